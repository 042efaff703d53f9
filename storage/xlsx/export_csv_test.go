package xlsx

import (
	"bytes"
	"encoding/csv"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/amisjury/amis/exam"
	"github.com/amisjury/amis/storage"
)

// csvRecords turns expected cells into the CSV's text.
func csvRecords(rows [][]expCell) [][]string {
	var out [][]string
	for _, r := range rows {
		var rec []string
		for _, c := range r {
			switch c.kind {
			case 's':
				rec = append(rec, c.text)
			case 'd':
				rec = append(rec, c.date.String())
			case 'n':
				rec = append(rec, strconv.Itoa(c.num))
			default:
				rec = append(rec, "")
			}
		}
		out = append(out, rec)
	}
	return out
}

func TestWriteExportCSV(t *testing.T) {
	f := newExpFixture(t)
	for _, provisional := range []bool{false, true} {
		sel := storage.ExportSelection{SessionIDs: []int64{f.nord, f.signed}}
		want := f.expect(t, false, f.nord, f.signed)
		if provisional {
			sel = storage.ExportSelection{SessionIDs: []int64{f.nord, f.ready}, Draft: true}
			want = f.expect(t, true, f.nord, f.ready)
		}
		var buf bytes.Buffer
		var last, total int
		if err := WriteExportCSV(f.ctx, &buf, f.svc, expAdmin, sel, func(d, n int) { last, total = d, n }); err != nil {
			t.Fatal(err)
		}
		if last != total || total != len(want.results) {
			t.Errorf("progress %d of %d", last, total)
		}
		data := buf.Bytes()
		if !bytes.HasPrefix(data, []byte("\uFEFF")) {
			t.Fatalf("no byte order mark: %q", data[:min(len(data), 20)])
		}
		if !bytes.Contains(data, []byte("\r\n")) || !bytes.Contains(data, []byte(`"+33 Lyon; salle ""B"""`)) {
			t.Errorf("line ends or quoting: %q", data[:min(len(data), 600)])
		}
		r := csv.NewReader(bytes.NewReader(data[3:]))
		r.Comma, r.FieldsPerRecord = ';', -1
		recs, err := r.ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if provisional {
			if len(recs[0]) != 1 || recs[0][0] != ProvisionalBanner {
				t.Fatalf("first line %q, want the banner", recs[0])
			}
			recs = recs[1:]
		}
		if !slices.Equal(recs[0], resultHeaders(f.ref)) {
			t.Errorf("header %q", recs[0])
		}
		wantRecs := csvRecords(want.results)
		if len(recs)-1 != len(wantRecs) {
			t.Fatalf("%d lines, want %d", len(recs)-1, len(wantRecs))
		}
		for i, w := range wantRecs {
			if got := recs[i+1]; !slices.Equal(got, w) {
				t.Errorf("line %d:\n got %q\nwant %q", i+2, got, w)
			}
		}
		if !provisional && !strings.Contains(string(data), f.tabCity) || !strings.Contains(string(data), "\"\rRoyaume-Uni\"") && !provisional {
			t.Errorf("tab or carriage return lost")
		}
	}
}

func TestExportCSVEncoder_Write(t *testing.T) {
	var buf bytes.Buffer
	e := NewExportCSVEncoder(&buf)
	if err := e.write([]string{"", "a", " b", "c ", "d;e", `f"g`, "h\ri", "j\nk", "=1+2", "\tl"}); err != nil {
		t.Fatal(err)
	}
	if err := e.w.Flush(); err != nil {
		t.Fatal(err)
	}
	want := ";a;\" b\";\"c \";\"d;e\";\"f\"\"g\";\"h\ri\";\"j\nk\";=1+2;\tl\r\n"
	if got := buf.String(); got != want {
		t.Errorf("line = %q\nwant %q", got, want)
	}
	for d, want := range map[exam.Date]string{{}: "", exam.NewDate(1900, 1, 1): "01/01/1900", exam.NewDate(2026, 12, 31): "31/12/2026"} {
		if got := csvDate(d); got != want || got != d.String() {
			t.Errorf("csvDate(%v) = %q", d, got)
		}
	}
}
