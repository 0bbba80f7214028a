/** Document identity, in a module of its own so runtime code can use it without the schema builder. */
export const API_VERSION = 'kpo/v1alpha1';
export const KIND = 'Playground';
