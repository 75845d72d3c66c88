package store

// AudioStore keeps the voice-over of each story version and the durable
// queue of renderings still to be made.
type AudioStore interface{}
