export { Gallery, normalized } from './gallery/gallery.ts';
export type { GalleryHit, GalleryOptions } from './gallery/gallery.ts';
