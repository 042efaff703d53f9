package xlsx

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"

	"github.com/amisjury/amis/exam"
)

// csvSource reads the records of a CSV file.
type csvSource struct {
	r     *csv.Reader
	total int
	// inner counts the line breaks inside quoted fields read so far: a
	// spreadsheet shows such a record on one row.
	inner int
}

// openCSV decodes the text of a CSV file and detects its separator.
func openCSV(data []byte) (*csvSource, error) {
	text, err := decodeText(data)
	if err != nil {
		return nil, err
	}
	if strings.IndexByte(text, 0) >= 0 {
		return nil, exam.Errorf(exam.EINVALID, "import.csv_binary",
			"the file is not a CSV text file: open it in Excel or LibreOffice and save it as .xlsx or .csv", nil)
	}
	if !strings.Contains(text, "\n") && strings.Contains(text, "\r") {
		text = strings.ReplaceAll(text, "\r", "\n") // old Mac line ends
	}
	r := csv.NewReader(strings.NewReader(text))
	r.Comma = separator(text)
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	r.ReuseRecord = true
	total := strings.Count(text, "\n")
	if !strings.HasSuffix(text, "\n") {
		total++
	}
	return &csvSource{r: r, total: total}, nil
}

// next returns the next record. Its line is the row a spreadsheet shows:
// the text line it starts on, less the line breaks inside earlier quoted
// fields. Blank lines count, as in a spreadsheet.
func (s *csvSource) next() ([]string, int, error) {
	rec, err := s.r.Read()
	if err == io.EOF {
		return nil, 0, io.EOF
	}
	if err != nil {
		line, reason := 0, err.Error()
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			line, reason = pe.Line, pe.Err.Error()
		}
		return nil, 0, fmt.Errorf("read CSV: %v: %w", err, exam.Errorf(exam.EINVALID, "import.csv_invalid",
			"the CSV file cannot be read at line {{.Line}}: {{.Reason}}", map[string]any{"Line": line, "Reason": reason}))
	}
	start, _ := s.r.FieldPos(0)
	line := start - s.inner
	for _, f := range rec {
		s.inner += strings.Count(f, "\n")
	}
	return rec, line, nil
}

func (s *csvSource) lines() int   { return s.total }
func (s *csvSource) close() error { return nil }

var (
	bomUTF8    = []byte{0xEF, 0xBB, 0xBF}
	bomUTF16LE = []byte{0xFF, 0xFE}
	bomUTF16BE = []byte{0xFE, 0xFF}
)

// decodeText returns the file as UTF-8: UTF-8 with or without BOM, UTF-16
// with a BOM (Excel's "Unicode text"), else Windows-1252, what French
// Windows Excel writes as "CSV (séparateur : point-virgule)".
func decodeText(b []byte) (string, error) {
	var bom []byte
	switch {
	case bytes.HasPrefix(b, bomUTF8):
		b = b[len(bomUTF8):]
	case bytes.HasPrefix(b, bomUTF16LE):
		bom = bomUTF16LE
	case bytes.HasPrefix(b, bomUTF16BE):
		bom = bomUTF16BE
	}
	if bom != nil {
		e := unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM)
		if bytes.Equal(bom, bomUTF16BE) {
			e = unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM)
		}
		out, err := e.NewDecoder().Bytes(b)
		if err != nil {
			return "", fmt.Errorf("decode UTF-16: %v: %w", err, exam.Errorf(exam.EINVALID, "import.csv_binary",
				"the file is not a CSV text file: open it in Excel or LibreOffice and save it as .xlsx or .csv", nil))
		}
		return string(out), nil
	}
	if utf8.Valid(b) {
		return string(b), nil
	}
	out, err := charmap.Windows1252.NewDecoder().Bytes(b)
	if err != nil {
		return "", fmt.Errorf("decode Windows-1252: %w", err)
	}
	return string(out), nil
}

// separators a CSV file may use, by preference when counts are equal.
var separators = []rune{';', ',', '\t'}

// separator detects the field separator: the one found most often on one
// line, outside quotes, among the first lines (the header line, and any
// title line above it). French Excel writes ';', most other software ','.
func separator(text string) rune {
	best, bestN := ';', 0
	counts := map[rune]int{}
	inQuotes, filled := false, false
	lines := 0 // non-blank lines seen
	flush := func() {
		for _, s := range separators {
			if counts[s] > bestN {
				best, bestN = s, counts[s]
			}
		}
		clear(counts)
		if filled {
			lines++
		}
		filled = false
	}
	for _, r := range text {
		switch {
		case r == '"':
			inQuotes, filled = !inQuotes, true
		case inQuotes:
		case r == '\n':
			flush()
			if lines >= maxTitleRows+1 {
				return best
			}
		case r == ';' || r == ',' || r == '\t':
			counts[r]++
			filled = true
		case r != ' ' && r != '\r':
			filled = true
		}
	}
	flush()
	return best
}
