// Package assets embeds the data the app ships with: the icon, the AMIS
// référentiel, the UI translations and the candidate import template.
package assets

import (
	"bytes"
	"embed"
	"fmt"

	"github.com/amisjury/amis/exam"
)

// Icon is the application icon (PNG, 512×512); FyneApp.toml points at it too.
//
//go:embed icon.png
var Icon []byte

// Translations holds translations/fr.json and translations/en.json.
//
//go:embed translations/*.json
var Translations embed.FS

//go:embed referentiel/amis-rncp37722.json
var referentielJSON []byte

// ReferentielJSON returns the embedded AMIS référentiel as shipped.
func ReferentielJSON() []byte { return bytes.Clone(referentielJSON) }

// Referentiel loads and validates the embedded AMIS référentiel (RNCP37722).
func Referentiel() (*exam.Referentiel, error) {
	ref, err := exam.LoadReferentiel(bytes.NewReader(referentielJSON))
	if err != nil {
		return nil, fmt.Errorf("embedded référentiel: %w", err)
	}
	return ref, nil
}
