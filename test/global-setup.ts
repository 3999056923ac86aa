import type { TestProject } from 'vitest/node';
import dynalite from 'dynalite';
import type { AddressInfo } from 'node:net';

/**
 * Starts one real local DynamoDB (dynalite, in memory) for the whole run. Tests reach it through
 * `inject('dynamoEndpoint')`; each test creates its own uniquely named tables so files can run in parallel.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  project.provide('dynamoEndpoint', `http://127.0.0.1:${port}`);
  return () => new Promise<void>((resolve) => server.close(() => resolve()));
}

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoEndpoint: string;
  }
}
