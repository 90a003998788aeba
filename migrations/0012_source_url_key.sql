-- +goose Up
-- A source's address is kept exactly as given; finding the same article
-- under another spelling of its address (host case, tracking parameters,
-- a trailing slash) goes by this key instead. It is computed in Go
-- (conflict.URLKey): DB.Migrate fills it for rows stored before it existed,
-- which is why it may be NULL here.
ALTER TABLE sources ADD COLUMN url_key TEXT;
CREATE UNIQUE INDEX sources_url_key_idx ON sources (url_key);

-- +goose Down
DROP INDEX sources_url_key_idx;
ALTER TABLE sources DROP COLUMN url_key;
