package xlsx_test

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/amisjury/amis/storage/xlsx"
)

// bigRows returns the standard header and n valid, distinct candidates with
// every column filled: real dates, numbers and text as a training centre's
// list would hold them.
func bigRows(n int) [][]any {
	surnames := []string{"MARTIN", "BERNARD", "LEFÈVRE", "D'ALMEIDA", "N'DIAYE", "LE GALL", "BENSAÏD", "TRAORÉ", "DA SILVA", "GUÉRIN"}
	firsts := []string{"Hélène", "Karim", "Léa", "Mamadou", "Chloé", "Jérôme", "Inès", "Noël", "Zoé", "François"}
	routes := []string{"Formation continue", "Apprentissage", "Contrat de professionnalisation", "VAE", "Candidat libre"}
	rows := make([][]any, 0, n+1)
	rows = append(rows, standard)
	for i := range n {
		sex := "F"
		if i%2 == 1 {
			sex = "M"
		}
		var ccp1, session any
		if i%4 == 0 {
			ccp1, session = day(2023, 6, 20), "Session Lyon juin 2023"
		}
		rows = append(rows, []any{
			fmt.Sprintf("2025-%05d", i), surnames[i%len(surnames)], nil, firsts[(i/len(surnames))%len(firsts)] + " Marie", sex,
			day(1960, 1, 1).AddDate(0, 0, i), "Saint-Étienne", "France", fmt.Sprintf("candidat%d@example.fr", i),
			600000000 + i, routes[i%len(routes)], "GRETA Lyon Métropole", day(2024, 2, 3), ccp1, session,
		})
	}
	return rows
}

// BenchmarkDecodeCandidates decodes 10,000 rows.
func BenchmarkDecodeCandidates(b *testing.B) {
	ref := mustRef(b)
	rows := bigRows(10000)
	for _, tt := range []struct {
		format xlsx.Format
		data   []byte
	}{
		{xlsx.FormatXLSX, workbook(b, rows)},
		{xlsx.FormatCSV, csvFile(rows)},
	} {
		b.Run(tt.format.String(), func(b *testing.B) {
			b.SetBytes(int64(len(tt.data)))
			b.ReportAllocs()
			for b.Loop() {
				d, err := xlsx.DecodeCandidates(bytes.NewReader(tt.data), tt.format, ref, nil)
				if err != nil || len(d.Rows) != 10000 || len(d.Problems) > 0 {
					b.Fatalf("decode: %v, %d rows, problems %q", err, len(d.Rows), problems(d.Problems))
				}
			}
		})
	}
}
