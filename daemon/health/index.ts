export { SdNotify } from './sd-notify.ts';
export { Watchdog } from './watchdog.ts';
