export { ConfigSchema } from './schema/index.ts';
export type { Config } from './schema/index.ts';
export { ConfigError, embeddedDefaults, envLayer, credentialsLayer, loadConfig, mergeLayers, readConfigFile, validateConfig } from './load.ts';
export type { ConfigSources, LoadedConfig } from './load.ts';
