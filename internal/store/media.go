package store

// MediaStore keeps images (originals, renditions, captions and credits
// per language) and the stories they belong to.
type MediaStore interface{}
