import { StateRegionMismatchError } from '../families/state-errors.ts';

/**
 * Regional services (SES) must be read in the region the change happened in: a client pointed elsewhere
 * would find nothing and report the resource as gone, which is a silent miss, not a state.
 */
export async function assertClientRegion(client: { config: { region?: unknown } }, region: string, service: string): Promise<void> {
  const configured = client.config.region;
  const clientRegion = typeof configured === 'function' ? await (configured as () => Promise<string>)() : typeof configured === 'string' ? configured : undefined;
  if (clientRegion !== undefined && clientRegion !== region) {
    throw new StateRegionMismatchError(`the change happened in ${region} but the ${service} client reads ${clientRegion}; deploy the guard in ${region}`);
  }
}
