/**
 * A process that starts DynamoDB Local, prints `{"port":N}` and waits to be
 * killed: lets a test kill the parent of the Java process and see whether the
 * Java process outlives it.
 */
import { startDynamoDbLocal } from '../../local/dynamodb-local';

async function main(): Promise<void> {
  const dynamo = await startDynamoDbLocal();
  process.stdout.write(`${JSON.stringify({ port: dynamo.port })}\n`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
