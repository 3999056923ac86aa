/**
 * The baseline table's shape, shared by the store and the deployment (serverless.yml / CloudFormation)
 * so both use the same names. One item per resource: the latest compliant reading.
 */
export const BASELINE_TABLE_KEY = { partitionKey: 'resourceId' } as const;

/** CreateTable / AWS::DynamoDB::Table properties (on-demand: the guard writes only on compliant readings). */
export const BASELINE_TABLE_DEFINITION = {
  AttributeDefinitions: [{ AttributeName: BASELINE_TABLE_KEY.partitionKey, AttributeType: 'S' }],
  KeySchema: [{ AttributeName: BASELINE_TABLE_KEY.partitionKey, KeyType: 'HASH' }],
  BillingMode: 'PAY_PER_REQUEST',
} as const;
