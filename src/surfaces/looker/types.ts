import type { App } from '../../server/surface.js';
import type { SurfaceDeps } from '../shared/deps.js';

export type LookerApp = App;

/** Looker's routes get what every surface gets; the surface applies the login limit per client_id itself (`rateLimits`). */
export type LookerDeps = SurfaceDeps;
