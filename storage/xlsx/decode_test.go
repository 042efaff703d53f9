package xlsx_test

import (
	"bytes"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"

	"github.com/amisjury/amis/exam"
	"github.com/amisjury/amis/storage/xlsx"
)

func TestFormatOf(t *testing.T) {
	tests := []struct {
		name string
		want xlsx.Format
		bad  bool
	}{
		{"candidats.xlsx", xlsx.FormatXLSX, false},
		{"/home/x/Candidats 2025.XLSX", xlsx.FormatXLSX, false},
		{"macro.xlsm", xlsx.FormatXLSX, false},
		{"liste.csv", xlsx.FormatCSV, false},
		{"LISTE.CSV", xlsx.FormatCSV, false},
		{"ancien.xls", 0, true},
		{"libreoffice.ods", 0, true},
		{"notes.txt", 0, true},
		{"sans-extension", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := xlsx.FormatOf(tt.name)
			if !tt.bad {
				if err != nil || got != tt.want {
					t.Fatalf("FormatOf = %v, %v; want %v", got, err, tt.want)
				}
				return
			}
			e := wantCode(t, err, exam.EINVALID, "import.format")
			for _, s := range []string{".xlsx", ".csv", "save it"} {
				if !strings.Contains(e.Message, s) {
					t.Errorf("message %q does not mention %q", e.Message, s)
				}
			}
			if e.Data["Name"] == "" {
				t.Errorf("message data %v does not name the file", e.Data)
			}
		})
	}
}

// heleneRow is helene() as cells of the standard header row, with real date
// cells and a phone typed as a number (its leading 0 lost).
func heleneRow() []any {
	return []any{"00042", "LEFÈVRE", "D'ARC", "Hélène Marie", "F", day(1992, 7, 14), "Saint-Étienne", "France",
		"helene.lefevre@example.fr", 612345678, "Formation continue", "GRETA Lyon Métropole", day(2024, 2, 3),
		day(2023, 6, 20), "Session Lyon juin 2023"}
}

func TestDecodeCandidates_XLSX(t *testing.T) {
	karim := exam.Candidate{Number: "1234567890123", BirthName: "BENSAÏD", FirstNames: "Karim", Sex: exam.Male,
		BirthDate: exam.NewDate(1988, time.February, 29), BirthCity: "Alger", BirthCountry: "Algérie",
		Phone: "+33 6 12 34 56 78", AccessRoute: exam.RouteVAE}
	textDates := heleneRow()
	textDates[5], textDates[12], textDates[13] = "14/07/1992", "2024-02-03", "20/06/2023"
	textDates[9] = "06 12 34 56 78"
	heleneText := helene()
	heleneText.Phone = "06 12 34 56 78"

	tests := []struct {
		name  string
		rows  [][]any
		setup func(f *excelize.File, sheet string)
		want  []exam.Candidate
		lines []int
	}{
		{
			name: "real date cells and numeric cells",
			rows: [][]any{standard, heleneRow(),
				{1234567890123.0, "BENSAÏD", nil, "Karim", "Homme", day(1988, 2, 29), "Alger", "Algérie", nil, "+33 6 12 34 56 78", "vae"}},
			want:  []exam.Candidate{helene(), karim},
			lines: []int{2, 3},
		},
		{
			name:  "text dates",
			rows:  [][]any{standard, textDates},
			want:  []exam.Candidate{heleneText},
			lines: []int{2},
		},
		{
			name: "1904 date system",
			rows: [][]any{standard, heleneRow(),
				// A serial typed as a plain number counts from 1904 too.
				{1234567890123.0, "BENSAÏD", nil, "Karim", "M", float64(day(1988, 2, 29).Sub(day(1904, 1, 1)) / (24 * time.Hour)), "Alger", "Algérie", nil, "+33 6 12 34 56 78", "VAE"}},
			setup: func(f *excelize.File, _ string) {
				yes := true
				if err := f.SetWorkbookProps(&excelize.WorkbookPropsOptions{Date1904: &yes}); err != nil {
					t.Fatal(err)
				}
			},
			want:  []exam.Candidate{helene(), karim},
			lines: []int{2, 3},
		},
		{
			name: "title rows above the header, blank rows skipped without renumbering",
			rows: [][]any{
				{"Liste des candidats : session de juin 2025"},
				nil,
				standard,
				heleneRow(),
				nil,
				{nil, "   ", nil, "\t"},
				nil,
				{1234567890123.0, "BENSAÏD", nil, "Karim", "h", day(1988, 2, 29), "Alger", "Algérie", nil, "+33 6 12 34 56 78", "Validation des acquis de l'expérience"},
			},
			want:  []exam.Candidate{helene(), karim},
			lines: []int{4, 8},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var setup []func(*excelize.File, string)
			if tt.setup != nil {
				setup = append(setup, tt.setup)
			}
			d := mustDecode(t, "candidats.xlsx", workbook(t, tt.rows, setup...))
			if len(d.Problems) > 0 || len(d.Ignored) > 0 {
				t.Fatalf("problems %q, ignored %q", problems(d.Problems), d.Ignored)
			}
			if got := lines(d.Rows); !reflect.DeepEqual(got, tt.lines) {
				t.Errorf("lines = %v, want %v", got, tt.lines)
			}
			for i := range min(len(d.Rows), len(tt.want)) {
				if got := d.Rows[i].Candidate; !reflect.DeepEqual(got, tt.want[i]) {
					t.Errorf("row %d:\n got %+v\nwant %+v", d.Rows[i].Line, got, tt.want[i])
				}
				if len(d.Rows[i].Unreadable) > 0 {
					t.Errorf("row %d: unreadable %v", d.Rows[i].Line, d.Rows[i].Unreadable)
				}
			}
			if got, want := d.Columns[exam.FieldBirthDate], "F (Date de naissance)"; got != want {
				t.Errorf("Columns[birth_date] = %q, want %q", got, want)
			}
			if got, want := d.Columns[exam.FieldAcquired], "N (CCP1 acquis le)"; got != want {
				t.Errorf("Columns[acquired] = %q, want %q", got, want)
			}
		})
	}
}

func TestDecodeCandidates_Headers(t *testing.T) {
	// Other case, accents, spacing and order, aliases, unknown columns.
	rows := [][]any{
		{"PRENOM", " nom ", "SEXE", "date  naissance", "Lieu de naissance", "pays", "Parcours", "Remarques",
			"Mail", "Tél.", "Numéro de candidat", "centre", "ccp2 ACQUIS", "Financement", "Session CCP2", ""},
		{"Hélène Marie", "LEFÈVRE", "femme", "14/07/1992", "Saint-Étienne", "France", "apprentissage", "RAS",
			"helene@example.fr", "0612345678", 7, "GRETA", day(2022, 12, 1), "OPCO", "S-2022-12", "orphan"},
	}
	d := mustDecode(t, "candidats.xlsx", workbook(t, rows))
	if len(d.Problems) > 0 {
		t.Fatalf("problems: %q", problems(d.Problems))
	}
	if want := []string{"H (Remarques)", "N (Financement)"}; !reflect.DeepEqual(d.Ignored, want) {
		t.Errorf("Ignored = %q, want %q", d.Ignored, want)
	}
	wantCols := map[string]string{
		exam.FieldFirstNames: "A (PRENOM)", exam.FieldBirthName: "B (nom)", exam.FieldSex: "C (SEXE)",
		exam.FieldBirthDate: "D (date  naissance)", exam.FieldBirthCity: "E (Lieu de naissance)",
		exam.FieldBirthCountry: "F (pays)", exam.FieldAccessRoute: "G (Parcours)", exam.FieldEmail: "I (Mail)",
		exam.FieldPhone: "J (Tél.)", exam.FieldNumber: "K (Numéro de candidat)", exam.FieldTrainingCentre: "L (centre)",
		xlsx.AcquiredField("RNCP37722BC02"): "M (ccp2 ACQUIS)", xlsx.SessionField("RNCP37722BC02"): "O (Session CCP2)",
		exam.FieldAcquired: "M (ccp2 ACQUIS)",
	}
	if !reflect.DeepEqual(d.Columns, wantCols) {
		t.Errorf("Columns:\n got %q\nwant %q", d.Columns, wantCols)
	}
	want := exam.Candidate{Number: "7", BirthName: "LEFÈVRE", FirstNames: "Hélène Marie", Sex: exam.Female,
		BirthDate: exam.NewDate(1992, 7, 14), BirthCity: "Saint-Étienne", BirthCountry: "France", Email: "helene@example.fr",
		Phone: "0612345678", AccessRoute: exam.RouteApprenticeship, TrainingCentre: "GRETA",
		Acquired: []exam.AcquiredBlock{{BlockCode: "RNCP37722BC02", Date: exam.NewDate(2022, 12, 1), SessionRef: "S-2022-12"}}}
	if len(d.Rows) != 1 || !reflect.DeepEqual(d.Rows[0].Candidate, want) {
		t.Fatalf("rows = %+v\nwant %+v", d.Rows, want)
	}
}

func TestDecodeCandidates_ColumnProblems(t *testing.T) {
	rows := [][]any{
		{"Nom de naissance", "Prénoms", "Sexe", "Commune de naissance", "Pays de naissance", "Modalité d'accès", "Nom", "Prénom", "Prénoms"},
		{"MARTIN", "Léa", "F", "Lyon", "France", "FC", "X", "Y", "Léa"},
		{"DUBOIS", "Théo", "M", "Lille", "France", "VAE"},
	}
	d := mustDecode(t, "candidats.xlsx", workbook(t, rows))
	want := []string{
		"0||import.missing_column|required column “Date de naissance” is missing",
		"1|I (Prénoms)|import.duplicate_column|column “Prénoms” given twice: already in B (Prénoms)",
	}
	if got := problems(d.Problems); !reflect.DeepEqual(got, want) {
		t.Errorf("problems:\n got %q\nwant %q", got, want)
	}
	// A column's own header wins over an alias of it, which is ignored.
	if want := []string{"G (Nom)", "H (Prénom)"}; !reflect.DeepEqual(d.Ignored, want) {
		t.Errorf("Ignored = %q, want %q", d.Ignored, want)
	}
	if got := lines(d.Rows); !reflect.DeepEqual(got, []int{2, 3}) {
		t.Fatalf("lines = %v", got)
	}
	for _, r := range d.Rows {
		// exam must not report "required" on every row for the missing column.
		if !r.Unreadable[exam.FieldBirthDate] {
			t.Errorf("row %d: birth_date not marked unreadable: %v", r.Line, r.Unreadable)
		}
	}
	if got := d.Columns[exam.FieldBirthDate]; got != "Date de naissance" {
		t.Errorf("Columns[birth_date] = %q", got)
	}
}

func TestDecodeCandidates_CellProblems(t *testing.T) {
	ok := heleneRow()
	badDateSex := heleneRow()
	badDateSex[0], badDateSex[1], badDateSex[4], badDateSex[5] = "43", "DUPONT", "X", "31/02/1990"
	badRoute := heleneRow()
	badRoute[0], badRoute[1], badRoute[5], badRoute[10] = "44", "DURAND", 1990, "Stage"
	badBlocks := heleneRow()
	badBlocks[0], badBlocks[1] = "45", "PETIT"
	badBlocks[13] = nil // CCP1 session without its date
	badBlocks = append(badBlocks, "demain")
	formats := []struct {
		name string
		data []byte
	}{
		{"candidats.xlsx", workbook(t, [][]any{standard, ok, badDateSex, badRoute, badBlocks})},
	}
	want := []string{
		"3|E (Sexe)|import.sex|“X” is not a sex: F or M expected (Femme, Homme)",
		"3|F (Date de naissance)|err.date.calendar|“31/02/1990” does not exist in the calendar",
		"4|F (Date de naissance)|err.date.format|“1990” is not a date (expected dd/mm/yyyy)",
		"4|K (Modalité d'accès)|import.access_route|unknown access route “Stage”: Formation continue, Apprentissage, Contrat de professionnalisation, VAE, Candidat libre expected",
		"5|O (CCP1 session)|import.session_without_date|session “Session Lyon juin 2023” given without the date CCP1 was acquired",
		"5|P (CCP2 acquis le)|err.date.format|“demain” is not a date (expected dd/mm/yyyy)",
	}
	wantUnreadable := map[int]map[string]bool{
		2: nil,
		3: {exam.FieldSex: true, exam.FieldBirthDate: true},
		4: {exam.FieldBirthDate: true, exam.FieldAccessRoute: true},
		5: {exam.FieldAcquired: true},
	}
	// The same file as CSV: a year alone is not a date there either.
	var csv strings.Builder
	for _, row := range [][]any{standard, ok, badDateSex, badRoute, badBlocks} {
		for i, v := range row {
			if i > 0 {
				csv.WriteByte(';')
			}
			switch v := v.(type) {
			case time.Time:
				csv.WriteString(v.Format("02/01/2006"))
			case nil:
			default:
				fmt.Fprint(&csv, v)
			}
		}
		csv.WriteString("\r\n")
	}
	formats = append(formats, struct {
		name string
		data []byte
	}{"candidats.csv", []byte(csv.String())})
	for _, f := range formats {
		t.Run(f.name, func(t *testing.T) {
			d := mustDecode(t, f.name, f.data)
			if got := problems(d.Problems); !reflect.DeepEqual(got, want) {
				t.Errorf("problems:\n got %q\nwant %q", got, want)
			}
			if got := lines(d.Rows); !reflect.DeepEqual(got, []int{2, 3, 4, 5}) {
				t.Fatalf("lines = %v", got)
			}
			for _, r := range d.Rows {
				if !reflect.DeepEqual(r.Unreadable, wantUnreadable[r.Line]) {
					t.Errorf("row %d: Unreadable = %v, want %v", r.Line, r.Unreadable, wantUnreadable[r.Line])
				}
			}
		})
	}
}

func TestDecodeCandidates_HiddenSheet(t *testing.T) {
	data := workbook(t, [][]any{{"brouillon"}}, func(f *excelize.File, first string) {
		if _, err := f.NewSheet("Données"); err != nil {
			t.Fatal(err)
		}
		if err := f.SetSheetRow("Données", "A1", &standard); err != nil {
			t.Fatal(err)
		}
		row := heleneRow()
		if err := f.SetSheetRow("Données", "A2", &row); err != nil {
			t.Fatal(err)
		}
		f.SetActiveSheet(1)
		if err := f.SetSheetVisible(first, false); err != nil {
			t.Fatal(err)
		}
	})
	d := mustDecode(t, "candidats.xlsx", data)
	if len(d.Problems) > 0 || len(d.Rows) != 1 || !reflect.DeepEqual(d.Rows[0].Candidate, helene()) {
		t.Fatalf("problems %q, rows %+v", problems(d.Problems), d.Rows)
	}
}

// win1252 encodes UTF-8 text the way French Windows Excel saves CSV.
func win1252(t *testing.T, s string) []byte {
	t.Helper()
	b, err := charmap.Windows1252.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	if utf8.Valid(b) {
		t.Fatal("test data should not be valid UTF-8")
	}
	return b
}

func TestDecodeCandidates_CSV(t *testing.T) {
	const header = "N° candidat;Nom de naissance;Nom d'usage;Prénoms;Sexe;Date de naissance;Commune de naissance;Pays de naissance;E-mail;Téléphone;Modalité d'accès;Centre de formation;Date SST;CCP1 acquis le;CCP1 session"
	const row = `00042;LEFÈVRE;D'ARC;Hélène Marie;F;14/07/1992;Saint-Étienne;France;helene.lefevre@example.fr;612345678;Formation continue;GRETA Lyon Métropole;03/02/2024;20/06/2023;Session Lyon juin 2023`
	comma := func(s string) string { return strings.ReplaceAll(s, ";", ",") }
	utf16le := func(s string) []byte {
		b, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().Bytes([]byte(s))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	quoted := helene()
	quoted.TrainingCentre = `GRETA; Lyon "Métropole"`
	multiline := helene()
	multiline.TrainingCentre = "GRETA\nLyon Métropole"
	commaCity := helene()
	commaCity.BirthCity = "Marseille, 13e"

	tests := []struct {
		name  string
		data  []byte
		want  exam.Candidate
		lines []int
	}{
		{"UTF-8 with BOM, semicolons, CRLF", []byte("\ufeff" + header + "\r\n" + row + "\r\n"), helene(), []int{2}},
		{"UTF-8 without BOM, no final line break", []byte(header + "\n" + row), helene(), []int{2}},
		{"Windows-1252 with commas", win1252(t, comma(header)+"\r\n"+comma(row)+"\r\n"), helene(), []int{2}},
		{"UTF-16 with tabs", utf16le(strings.ReplaceAll(header, ";", "\t") + "\r\n" + strings.ReplaceAll(row, ";", "\t") + "\r\n"), helene(), []int{2}},
		{"quoted field holding the separator and quotes",
			[]byte(header + "\r\n" + strings.Replace(row, "GRETA Lyon Métropole", `"GRETA; Lyon ""Métropole"""`, 1) + "\r\n"), quoted, []int{2}},
		{"quoted field holding a comma, comma separator",
			[]byte(comma(header) + "\n" + strings.Replace(comma(row), "Saint-Étienne", `"Marseille, 13e"`, 1) + "\n"), commaCity, []int{2}},
		{"line break in a quoted field and blank lines: rows as a spreadsheet numbers them",
			[]byte(header + "\r\n" + strings.Replace(row, "GRETA Lyon Métropole", "\"GRETA\r\nLyon Métropole\"", 1) + "\r\n\r\n;;;;\r\n" +
				strings.Replace(row, "GRETA Lyon Métropole", "\"GRETA\nLyon Métropole\"", 1) + "\r\n"), multiline, []int{2, 5}},
		{"title line with a comma above a semicolon header",
			[]byte("Candidats, session de juin 2025\n\n" + header + "\n" + row + "\n"), helene(), []int{4}},
		{"old Mac line ends", []byte(header + "\r" + row + "\r"), helene(), []int{2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := mustDecode(t, "candidats.csv", tt.data)
			if len(d.Problems) > 0 || len(d.Ignored) > 0 {
				t.Fatalf("problems %q, ignored %q", problems(d.Problems), d.Ignored)
			}
			if got := lines(d.Rows); !reflect.DeepEqual(got, tt.lines) {
				t.Fatalf("lines = %v, want %v", got, tt.lines)
			}
			for _, r := range d.Rows {
				if !reflect.DeepEqual(r.Candidate, tt.want) {
					t.Errorf("row %d:\n got %+v\nwant %+v", r.Line, r.Candidate, tt.want)
				}
			}
			if got, want := d.Columns[exam.FieldNumber], "A (N° candidat)"; got != want {
				t.Errorf("Columns[number] = %q, want %q", got, want)
			}
			if got, want := d.Columns[exam.FieldTrainingCentre], "L (Centre de formation)"; got != want {
				t.Errorf("Columns[training_centre] = %q, want %q", got, want)
			}
		})
	}
}

func TestDecodeCandidates_Windows1252Names(t *testing.T) {
	data := win1252(t, "Nom,Prénom,Sexe,Né(e) le,Lieu de naissance,Pays,Parcours\r\n"+
		"LEFÈVRE,Hélène,F,01/02/1990,Besançon,France,VAE\r\n"+
		"D'ARC,Noël,M,1991-03-04,Nîmes,Côte d'Ivoire,Contrat de professionnalisation\r\n"+
		"CŒUR,Zoé,F,05.06.1992,Pointe-à-Pitre,France,Candidat libre\r\n")
	d := mustDecode(t, "candidats.csv", data)
	if len(d.Problems) > 0 {
		t.Fatalf("problems: %q", problems(d.Problems))
	}
	var got []string
	for _, r := range d.Rows {
		c := r.Candidate
		got = append(got, fmt.Sprintf("%d %s %s %s %s %s %s", r.Line, c.BirthName, c.FirstNames, c.BirthDate, c.BirthCity, c.BirthCountry, c.AccessRoute))
	}
	want := []string{
		"2 LEFÈVRE Hélène 01/02/1990 Besançon France vae",
		"3 D'ARC Noël 04/03/1991 Nîmes Côte d'Ivoire contrat_pro",
		"4 CŒUR Zoé 05/06/1992 Pointe-à-Pitre France candidat_libre",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("rows:\n got %q\nwant %q", got, want)
	}
}

func TestDecodeCandidates_Unreadable(t *testing.T) {
	xlsxData := workbook(t, [][]any{standard, heleneRow()})
	tests := []struct {
		name string
		file string
		data []byte
		key  string
	}{
		{"text named .xlsx", "candidats.xlsx", []byte("Nom;Prénoms\nMARTIN;Léa\n"), "import.xlsx_invalid"},
		{"empty .xlsx", "candidats.xlsx", nil, "import.xlsx_invalid"},
		{"truncated workbook", "candidats.xlsx", xlsxData[:len(xlsxData)/2], "import.xlsx_invalid"},
		{"old .xls renamed .xlsx", "candidats.xlsx", append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 512)...), "import.ole"},
		{"old .xls renamed .csv", "candidats.csv", append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 512)...), "import.ole"},
		{"binary named .csv", "candidats.csv", []byte("Nom;Prénoms\n\x00\x01\x02;\x00\n"), "import.csv_binary"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := decodeFile(t, tt.file, tt.data)
			if err == nil {
				t.Fatalf("no error; decoded %+v", d)
			}
			wantCode(t, err, exam.EINVALID, tt.key)
		})
	}
}

func TestDecodeCandidates_Sniff(t *testing.T) {
	// A workbook saved with a .csv name is still read as a workbook.
	d := mustDecode(t, "candidats.csv", workbook(t, [][]any{standard, heleneRow()}))
	if len(d.Problems) > 0 || len(d.Rows) != 1 || !reflect.DeepEqual(d.Rows[0].Candidate, helene()) {
		t.Fatalf("problems %q, rows %+v", problems(d.Problems), d.Rows)
	}
}

func TestDecodeCandidates_Empty(t *testing.T) {
	for name, data := range map[string][]byte{
		"empty.csv":  nil,
		"blank.csv":  []byte("\r\n;;;\r\n  \r\n"),
		"empty.xlsx": workbook(t, nil),
	} {
		t.Run(name, func(t *testing.T) {
			d := mustDecode(t, name, data)
			want := []string{"0||import.empty|the file has no data row"}
			if got := problems(d.Problems); !reflect.DeepEqual(got, want) || len(d.Rows) > 0 {
				t.Errorf("problems %q, rows %v; want %q", got, d.Rows, want)
			}
		})
	}
}

func TestDecodeCandidates_Progress(t *testing.T) {
	var b bytes.Buffer
	b.WriteString(strings.Join([]string{"Nom", "Prénoms", "Sexe", "Date de naissance", "Commune de naissance", "Pays de naissance", "Modalité d'accès"}, ";") + "\n")
	for i := range 1200 {
		fmt.Fprintf(&b, "NOM%d;Léa;F;01/02/1990;Lyon;France;VAE\n", i)
	}
	var calls []string
	d, err := xlsx.DecodeCandidates(&b, xlsx.FormatCSV, mustRef(t), func(phase string, done, total int) {
		calls = append(calls, fmt.Sprintf("%s %d/%d", phase, done, total))
	})
	if err != nil || len(d.Rows) != 1200 {
		t.Fatalf("decode: %v, %d rows", err, len(d.Rows))
	}
	want := []string{"read 500/1201", "read 1000/1201", "read 1201/1201"}
	if !reflect.DeepEqual(calls, want) {
		t.Errorf("progress calls = %q, want %q", calls, want)
	}
}
