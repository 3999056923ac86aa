import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { BaselineRecord, BaselineStore } from './types.ts';
import { BASELINE_TABLE_KEY } from './table.ts';
import { normaliseBaselineRecord, parseBaselineRecord } from './baseline-record-schema.ts';

export { BASELINE_TABLE_DEFINITION, BASELINE_TABLE_KEY } from './table.ts';
export { CorruptBaselineRecordError, InvalidBaselineRecordError } from './baseline-record-schema.ts';

export interface DynamoBaselineStoreOptions {
  client: DynamoDBClient;
  tableName: string;
}

/**
 * Last-known-good store in DynamoDB: one item per resource holding its latest compliant reading.
 * Reads are strongly consistent, since a revert must not restore a reading older than one just written.
 */
export class DynamoBaselineStore implements BaselineStore {
  readonly #documents: DynamoDBDocumentClient;
  readonly #tableName: string;

  constructor(options: DynamoBaselineStoreOptions) {
    this.#documents = DynamoDBDocumentClient.from(options.client);
    this.#tableName = options.tableName;
  }

  async get(resourceId: string): Promise<BaselineRecord | undefined> {
    const { Item } = await this.#documents.send(
      new GetCommand({ TableName: this.#tableName, Key: { [BASELINE_TABLE_KEY.partitionKey]: resourceId }, ConsistentRead: true }),
    );
    return Item === undefined ? undefined : parseBaselineRecord(Item, resourceId);
  }

  /** Overwrites the resource's record unless the stored one was recorded later (out-of-order writes). */
  async put(record: BaselineRecord): Promise<void> {
    const item = normaliseBaselineRecord(record);
    try {
      await this.#documents.send(
        new PutCommand({
          TableName: this.#tableName,
          Item: item,
          // ISO-8601 UTC timestamps of one format order as strings, so DynamoDB can compare them.
          ConditionExpression: 'attribute_not_exists(#id) OR #recordedAt <= :recordedAt',
          ExpressionAttributeNames: { '#id': BASELINE_TABLE_KEY.partitionKey, '#recordedAt': 'recordedAt' },
          ExpressionAttributeValues: { ':recordedAt': item.recordedAt },
        }),
      );
    } catch (error) {
      // A newer compliant reading is already stored: keeping it is the point, not a failure.
      if (error instanceof ConditionalCheckFailedException) return;
      throw error;
    }
  }
}
