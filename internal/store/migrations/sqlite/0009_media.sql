-- The photo desk, SQLite flavour: images, their renditions, and their
-- places in story families with a caption, credit and alt text per
-- language. The files live in the blob store under the keys named here.
-- Booleans are INTEGER 0 or 1, as in 0002.

-- One row per distinct file: the same bytes uploaded twice are one image.
CREATE TABLE images (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    sha256       TEXT NOT NULL UNIQUE CHECK (length(sha256) = 64),
    original_key TEXT NOT NULL,
    mime         TEXT NOT NULL CHECK (mime IN ('image/jpeg', 'image/png', 'image/webp')),
    width        INTEGER NOT NULL CHECK (width > 0),
    height       INTEGER NOT NULL CHECK (height > 0),
    bytes        INTEGER NOT NULL CHECK (bytes > 0),
    uploaded_by  INTEGER REFERENCES users (id) ON DELETE SET NULL, -- NULL when unknown
    created_at   TEXT NOT NULL
);

-- One row per size readers get; a width may come in more than one type.
CREATE TABLE image_renditions (
    image_id INTEGER NOT NULL REFERENCES images (id) ON DELETE CASCADE,
    width    INTEGER NOT NULL CHECK (width > 0),
    height   INTEGER NOT NULL CHECK (height > 0),
    mime     TEXT NOT NULL,
    blob_key TEXT NOT NULL,
    bytes    INTEGER NOT NULL CHECK (bytes > 0),
    PRIMARY KEY (image_id, width, mime)
);

-- An image in a family. Positions are 1, 2, ...; at most one lead a family.
CREATE TABLE family_images (
    family_id INTEGER NOT NULL REFERENCES families (id),
    image_id  INTEGER NOT NULL REFERENCES images (id),
    position  INTEGER NOT NULL CHECK (position > 0),
    is_lead   INTEGER NOT NULL DEFAULT 0 CHECK (is_lead IN (0, 1)),
    added_by  INTEGER REFERENCES users (id) ON DELETE SET NULL,
    added_at  TEXT NOT NULL,
    PRIMARY KEY (family_id, image_id)
);
CREATE UNIQUE INDEX family_images_lead ON family_images (family_id) WHERE is_lead = TRUE; -- written as the store's queries write it
CREATE INDEX family_images_image ON family_images (image_id);

-- What each language says about an image in a family. A row goes with its
-- image's place in the family.
CREATE TABLE family_image_texts (
    family_id INTEGER NOT NULL,
    image_id  INTEGER NOT NULL,
    lang      TEXT NOT NULL,
    caption   TEXT NOT NULL DEFAULT '',
    credit    TEXT NOT NULL DEFAULT '',
    alt       TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (family_id, image_id, lang),
    FOREIGN KEY (family_id, image_id) REFERENCES family_images (family_id, image_id) ON DELETE CASCADE
);
