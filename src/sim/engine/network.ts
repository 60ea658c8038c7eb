import type { Locality } from '../../model/locality.js';
import type { Mesh } from '../../model/mesh.js';

/**
 * One-way delay of a hop between two localities, from the mesh file's `network` section:
 * same region and zone → sameZone, same region → crossZone, otherwise crossRegion.
 * Subzones are not distinguished (they share a zone's network).
 */
export function hopDelayUs(mesh: Mesh, a: Locality, b: Locality): number {
  if (a.region === b.region) {
    return a.zone === b.zone ? mesh.networkDelayUs.sameZone : mesh.networkDelayUs.crossZone;
  }
  return mesh.networkDelayUs.crossRegion;
}
