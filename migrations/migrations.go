// Package migrations embeds sitrep's SQL migrations, applied in order at
// start and by `sitrep migrate`. They only ever move forward.
package migrations

import "embed"

// FS holds the numbered .sql files.
//
//go:embed *.sql
var FS embed.FS
