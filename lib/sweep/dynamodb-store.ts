import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { parseRunRecord, type RunRecord, type SweepStore } from './run-record.ts';

/** The sweep table's shape, shared by the store and the deployment. */
export const SWEEP_TABLE_KEY = { partitionKey: 'id' } as const;
export const SWEEP_TABLE_DEFINITION = {
  AttributeDefinitions: [{ AttributeName: SWEEP_TABLE_KEY.partitionKey, AttributeType: 'S' }],
  KeySchema: [{ AttributeName: SWEEP_TABLE_KEY.partitionKey, KeyType: 'HASH' }],
  BillingMode: 'PAY_PER_REQUEST',
} as const;

/**
 * The sweep record in DynamoDB. Reads are strongly consistent and every write is a conditional put on the
 * version read (optimistic locking): the lease and the checkpoint cannot be advanced by two invocations.
 */
export class DynamoSweepStore implements SweepStore {
  readonly #documents: DynamoDBDocumentClient;
  readonly #tableName: string;
  readonly #id: string;

  constructor(options: { client: DynamoDBClient; tableName: string; id: string }) {
    this.#documents = DynamoDBDocumentClient.from(options.client, { marshallOptions: { removeUndefinedValues: true } });
    this.#tableName = options.tableName;
    this.#id = options.id;
  }

  async load(): Promise<RunRecord | undefined> {
    const { Item } = await this.#documents.send(new GetCommand({ TableName: this.#tableName, Key: { id: this.#id }, ConsistentRead: true }));
    if (Item === undefined) return undefined;
    const { id: _id, ...record } = Item;
    return parseRunRecord(record);
  }

  async save(record: RunRecord, expected: number | undefined): Promise<boolean> {
    try {
      await this.#documents.send(
        new PutCommand({
          TableName: this.#tableName,
          Item: { id: this.#id, ...parseRunRecord(record) },
          ...(expected === undefined
            ? { ConditionExpression: 'attribute_not_exists(#id)', ExpressionAttributeNames: { '#id': 'id' } }
            : { ConditionExpression: '#version = :expected', ExpressionAttributeNames: { '#version': 'version' }, ExpressionAttributeValues: { ':expected': expected } }),
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}
