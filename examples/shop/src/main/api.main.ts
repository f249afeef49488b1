// The shop's API: Switchyard's, as `switchyard api` runs it. It loads none of
// the shop's code: the shop's workers register its routes and event types.
import 'reflect-metadata';
import { closeOnSignals, ConfigError, createApi, ServiceUnreachableError } from '@switchyard/server';

async function main(): Promise<void> {
  const api = await createApi();
  closeOnSignals(api);
  console.log(`Switchyard API listening on ${await api.listen()} (OpenAPI at /docs)`);
}

main().catch((error: Error) => {
  if (error instanceof ConfigError || error instanceof ServiceUnreachableError) console.error(error.message);
  else console.error(error);
  process.exit(1);
});
