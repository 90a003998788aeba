package sqlite

import (
	"database/sql/driver"
	"fmt"

	"modernc.org/sqlite"

	"github.com/sitrep/sitrep/internal/conflict"
)

// The search indexes hold text as conflict.FoldSearch gives it, and names
// are looked up by conflict.SearchKey; the triggers that keep the indexes
// and the name indexes call them (0018_search_folding.sql). Every
// connection this package opens has them. A program that writes to the
// database by other means must register them too, or writing a searched
// record fails with "no such function".
func init() {
	sqlite.MustRegisterDeterministicScalarFunction("search_fold", 1, foldFunc(conflict.FoldSearch))
	sqlite.MustRegisterDeterministicScalarFunction("search_key", 1, foldFunc(conflict.SearchKey))
}

func foldFunc(f func(string) string) func(*sqlite.FunctionContext, []driver.Value) (driver.Value, error) {
	return func(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
		switch v := args[0].(type) {
		case nil:
			return nil, nil
		case string:
			return f(v), nil
		case []byte:
			return f(string(v)), nil
		default:
			return f(fmt.Sprint(v)), nil
		}
	}
}
