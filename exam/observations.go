package exam

import "strings"

// Observations returns the observations recorded on competence n of block b
// across grids, the collegial grid's first, each text once: what a feedback
// sheet or a PV shows for that competence.
func Observations(b *Block, grids []Grid, n int) []string {
	var out []string
	seen := map[string]bool{}
	for _, collegial := range []bool{true, false} {
		for i := range grids {
			g := &grids[i]
			if g.Collegial() != collegial || !strings.EqualFold(g.Block, b.Code) {
				continue
			}
			for _, a := range g.Assessments {
				o := strings.TrimSpace(a.Observation)
				if a.Competence == n && o != "" && !seen[o] {
					seen[o] = true
					out = append(out, o)
				}
			}
		}
	}
	return out
}
