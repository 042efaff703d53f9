package exam

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// Referentiel is a titre professionnel's référentiel de certification: its
// blocks (CCP) with their competences, and the épreuves (trials) of an exam.
// It is data, loaded from assets, so that a corrected version or another title
// needs no code change.
type Referentiel struct {
	Code             string  `json:"code"`    // RNCP code, e.g. RNCP37722
	Acronym          string  `json:"acronym"` // AMIS
	Title            string  `json:"title"`
	Level            int     `json:"level"`
	Version          string  `json:"version"` // version of this data file
	Certifier        string  `json:"certifier"`
	RegistrationEnds string  `json:"registration_ends"`
	Notes            string  `json:"notes"`
	Blocks           []Block `json:"blocks"`
	Trials           []Trial `json:"trials"`
}

// Block is a CCP / bloc de compétences.
type Block struct {
	Number      int          `json:"number"`
	Code        string       `json:"code"`  // RNCP block code, e.g. RNCP37722BC01
	Short       string       `json:"short"` // CCP1
	Title       string       `json:"title"`
	Competences []Competence `json:"competences"`
}

// Competence is one competence of a block; numbers run across the title (1..12).
type Competence struct {
	Number int    `json:"number"`
	Title  string `json:"title"`
}

// Trial is an épreuve of the exam with its default duration.
type Trial struct {
	Code  string `json:"code"`
	Title string `json:"title"`
	// Minutes is the base duration for the candidate.
	Minutes int `json:"minutes"`
	// PrepMinutes is preparation time before the trial, if any.
	PrepMinutes int `json:"prep_minutes"`
	// Blocks lists the Short codes of the blocks this trial evaluates; empty
	// means all.
	Blocks []string `json:"blocks"`
	// ToCheck marks a default to be checked against the official référentiel.
	ToCheck bool `json:"to_check"`
}

// LoadReferentiel reads a référentiel in JSON and validates it. Errors name
// the faulty field, e.g. `blocks[2].competences[1].title: required`.
func LoadReferentiel(r io.Reader) (*Referentiel, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("read référentiel: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var ref Referentiel
	if err := dec.Decode(&ref); err != nil {
		return nil, Errorf(EINVALID, "err.referentiel.json", "référentiel: {{.Reason}}", map[string]any{"Reason": jsonReason(data, err)})
	}
	if err := ref.Validate(); err != nil {
		return nil, err
	}
	return &ref, nil
}

// jsonReason turns a JSON decoding error into a message with a line number.
func jsonReason(data []byte, err error) string {
	var off int64 = -1
	switch e := err.(type) {
	case *json.SyntaxError:
		off = e.Offset
	case *json.UnmarshalTypeError:
		off = e.Offset
		return fmt.Sprintf("field %q: expected %s (line %d)", e.Field, e.Type, lineOf(data, off))
	}
	if off >= 0 {
		return fmt.Sprintf("%v (line %d)", err, lineOf(data, off))
	}
	return err.Error()
}

func lineOf(data []byte, off int64) int {
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	return bytes.Count(data[:off], []byte("\n")) + 1
}

// Validate checks the référentiel's structure: required fields, unique codes,
// competence numbers 1..n in order, trials referring to existing blocks.
func (ref *Referentiel) Validate() error {
	var v Validation
	req := func(field, val string) {
		if strings.TrimSpace(val) == "" {
			v.Add(field, "err.required", "{{.Field}}: required", map[string]any{"Field": field})
		}
	}
	req("code", ref.Code)
	req("title", ref.Title)
	req("version", ref.Version)
	if len(ref.Blocks) == 0 {
		v.Add("blocks", "err.referentiel.no_blocks", "blocks: at least one block is required", nil)
	}
	seen := map[string]bool{}
	next := 1
	for i, b := range ref.Blocks {
		f := fmt.Sprintf("blocks[%d]", i)
		req(f+".code", b.Code)
		req(f+".short", b.Short)
		req(f+".title", b.Title)
		if b.Number != i+1 {
			v.Add(f+".number", "err.referentiel.number", "{{.Field}}: expected {{.Want}}, found {{.Got}}", map[string]any{"Field": f + ".number", "Want": i + 1, "Got": b.Number})
		}
		for _, code := range []string{b.Code, b.Short} {
			if code != "" && seen[code] {
				v.Add(f+".code", "err.referentiel.duplicate", "{{.Field}}: duplicate code {{.Code}}", map[string]any{"Field": f + ".code", "Code": code})
			}
			seen[code] = true
		}
		if len(b.Competences) == 0 {
			v.Add(f+".competences", "err.referentiel.no_competences", "{{.Field}}: at least one competence is required", map[string]any{"Field": f + ".competences"})
		}
		for j, c := range b.Competences {
			cf := fmt.Sprintf("%s.competences[%d]", f, j)
			req(cf+".title", c.Title)
			if c.Number != next {
				v.Add(cf+".number", "err.referentiel.number", "{{.Field}}: expected {{.Want}}, found {{.Got}}", map[string]any{"Field": cf + ".number", "Want": next, "Got": c.Number})
			}
			next++
		}
	}
	if len(ref.Trials) == 0 {
		v.Add("trials", "err.referentiel.no_trials", "trials: at least one épreuve is required", nil)
	}
	trialSeen := map[string]bool{}
	for i, t := range ref.Trials {
		f := fmt.Sprintf("trials[%d]", i)
		req(f+".code", t.Code)
		req(f+".title", t.Title)
		if t.Code != "" && trialSeen[t.Code] {
			v.Add(f+".code", "err.referentiel.duplicate", "{{.Field}}: duplicate code {{.Code}}", map[string]any{"Field": f + ".code", "Code": t.Code})
		}
		trialSeen[t.Code] = true
		if t.Minutes <= 0 || t.Minutes > 24*60 {
			v.Add(f+".minutes", "err.referentiel.minutes", "{{.Field}}: a duration between 1 and 1440 minutes is required", map[string]any{"Field": f + ".minutes"})
		}
		if t.PrepMinutes < 0 || t.PrepMinutes > 24*60 {
			v.Add(f+".prep_minutes", "err.referentiel.minutes", "{{.Field}}: a duration between 0 and 1440 minutes is required", map[string]any{"Field": f + ".prep_minutes"})
		}
		for k, bs := range t.Blocks {
			if ref.Block(bs) == nil {
				field := fmt.Sprintf("%s.blocks[%d]", f, k)
				v.Add(field, "err.referentiel.unknown_block", "{{.Field}}: unknown block {{.Code}}", map[string]any{"Field": field, "Code": bs})
			}
		}
	}
	if err := v.Err("référentiel"); err != nil {
		e := err.(*Error)
		e.Key, e.Message = "err.referentiel.invalid", "invalid référentiel"
		return e
	}
	return nil
}

// Block returns the block with the given RNCP code or short code (CCP1), or nil.
func (ref *Referentiel) Block(code string) *Block {
	for i := range ref.Blocks {
		if strings.EqualFold(ref.Blocks[i].Code, code) || strings.EqualFold(ref.Blocks[i].Short, code) {
			return &ref.Blocks[i]
		}
	}
	return nil
}

// Trial returns the trial with the given code, or nil.
func (ref *Referentiel) Trial(code string) *Trial {
	for i := range ref.Trials {
		if ref.Trials[i].Code == code {
			return &ref.Trials[i]
		}
	}
	return nil
}
