/** Client settings for the moto server started by `moto-global.ts`. */
import { inject } from 'vitest';

export const MOTO_CREDENTIALS = { accessKeyId: 'testing', secretAccessKey: 'testing' };

export function motoEndpoint(): string {
  return inject('motoEndpoint');
}

export function motoClientOptions() {
  return { region: 'us-east-1', endpoint: motoEndpoint(), credentials: MOTO_CREDENTIALS };
}
