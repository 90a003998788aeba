package api

import _ "embed"

// OpenAPI is the OpenAPI 3.1 document describing the API, written by hand
// in openapi.json; openapi_test.go checks it against the routes and the
// records.
//
//go:embed openapi.json
var OpenAPI []byte
