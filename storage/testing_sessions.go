package storage

import (
	"testing"

	"golang.org/x/crypto/bcrypt"
)

// FastSecrets makes jury members' signing secrets and account passwords
// hash at bcrypt's minimum cost until the test ends: at the default cost
// one hash takes about a second under the race detector. Not for parallel
// tests.
func FastSecrets(tb testing.TB) {
	tb.Helper()
	oldSecret, oldPassword := secretCost, passwordCost
	secretCost, passwordCost = bcrypt.MinCost, bcrypt.MinCost
	tb.Cleanup(func() { secretCost, passwordCost = oldSecret, oldPassword })
}
