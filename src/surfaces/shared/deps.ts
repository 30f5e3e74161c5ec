import type { SurfaceContext } from '../../server/surface.js';
import type { Formats } from './formats.js';

/** What every surface's routes get: the transport's context and this app's formats. */
export interface SurfaceDeps extends SurfaceContext {
  formats: Formats;
}
