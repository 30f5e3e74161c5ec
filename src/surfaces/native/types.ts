import type { SurfaceDeps } from '../shared/deps.js';
import type { ConsoleCookie } from './console-routes.js';
import type { SessionGets } from './session-gets.js';
import type { NativeViews } from './views.js';

export type { App } from '../../server/surface.js';

export interface NativeDeps extends SurfaceDeps {
  /** This app's views of sessions, users, credentials, organizations and events. */
  views: NativeViews;
  /** The admin console's cookie; null: the console is off (its /v1 routes too). */
  consoleCookie: ConsoleCookie | null;
  /** GET /v1/sessions/whoami and /v1/forward-auth, for their Fastify routes. */
  sessionGets: SessionGets;
}
