package xlsx

import (
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/amisjury/amis/storage"
)

// TestWriteExport_LibreOffice opens workbooks with LibreOffice (headless,
// converted to CSV), as the certifier may: the export of the fixture must
// read as its CSV does, and the edge texts as TestSheetPart_Texts expects.
// Skipped without LibreOffice (scripts/deps.sh installs it) and in -short.
func TestWriteExport_LibreOffice(t *testing.T) {
	lo, err := exec.LookPath("libreoffice")
	if err != nil || testing.Short() {
		t.Skip("libreoffice not installed, or -short")
	}
	dir := t.TempDir()
	f := newExpFixture(t)
	sel := storage.ExportSelection{SessionIDs: []int64{f.nord, f.signed}}
	var book, text bytes.Buffer
	if err := WriteExport(f.ctx, &book, f.svc, expAdmin, sel, nil); err != nil {
		t.Fatal(err)
	}
	if err := WriteExportCSV(f.ctx, &text, f.svc, expAdmin, sel, nil); err != nil {
		t.Fatal(err)
	}
	sst := &sharedStrings{}
	p, err := newSheetPart("Textes", &sheetSpec{headers: []string{"Texte"}, title: "Textes"}, sst, true)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range edgeTexts {
		p.startRow("")
		p.text(tc.in)
		p.endRow()
	}
	texts := writeTestBook(t, sst, p)
	for name, data := range map[string][]byte{"export.xlsx": book.Bytes(), "texts.xlsx": texts} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	// The CSV filter's options: ';', '"', UTF-8, from line 1, cells as shown.
	cmd := exec.CommandContext(ctx, lo, "-env:UserInstallation=file://"+filepath.ToSlash(filepath.Join(dir, "profile")),
		"--headless", "--convert-to", "csv:Text - txt - csv (StarCalc):59,34,76,1,,0,false,true,true",
		"--outdir", filepath.Join(dir, "lo"), filepath.Join(dir, "export.xlsx"), filepath.Join(dir, "texts.xlsx"))
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("libreoffice: %v\n%s", err, out)
	}
	read := func(data []byte) [][]string {
		t.Helper()
		r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\uFEFF"))))
		r.Comma, r.FieldsPerRecord = ';', -1
		recs, err := r.ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		return recs
	}
	loBook, err := os.ReadFile(filepath.Join(dir, "lo", "export.csv"))
	if err != nil {
		t.Fatal(err)
	}
	got, want := read(loBook), read(text.Bytes())
	if len(got) != len(want) || len(want) < 5 {
		t.Fatalf("LibreOffice read %d lines, the CSV has %d", len(got), len(want))
	}
	for i := range want {
		if !slices.Equal(got[i], want[i]) {
			t.Errorf("line %d: LibreOffice reads\n %q\nthe CSV says\n %q", i+1, got[i], want[i])
		}
	}
	loTexts, err := os.ReadFile(filepath.Join(dir, "lo", "texts.csv"))
	if err != nil {
		t.Fatal(err)
	}
	recs := read(loTexts)
	if len(recs) != len(edgeTexts)+1 {
		t.Fatalf("LibreOffice read %d lines of texts", len(recs))
	}
	for i, tc := range edgeTexts {
		// LibreOffice keeps a line break within a cell as a line feed.
		if w := strings.ReplaceAll(tc.want, "\r\n", "\n"); recs[i+1][0] != w {
			t.Errorf("LibreOffice reads %.60q as %.60q, want %.60q", tc.in, recs[i+1][0], w)
		}
	}
}
