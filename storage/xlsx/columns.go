package xlsx

import (
	"strings"

	"github.com/amisjury/amis/exam"
)

// Column is one column of the candidate import file.
type Column struct {
	// Field is the exam.Field* identifier the column fills; a block's columns
	// use AcquiredField and SessionField.
	Field string
	// Header is the French header written in the template and documented.
	Header string
	// Aliases are other headers accepted for the column. Headers are compared
	// with exam.Fold: case, accents, spaces and punctuation do not matter.
	Aliases  []string
	Required bool

	kind    kind
	block   *exam.Block // for kindAcquired and kindSession
	format  string      // French, for the template's instructions
	example string
	help    string
}

// kind says how a column's cells are read.
type kind int

const (
	kindText kind = iota
	kindNumber
	kindSex
	kindDate
	kindEmail
	kindPhone
	kindRoute
	kindAcquired // date a block was acquired
	kindSession  // reference of the session a block was acquired in
)

// AcquiredField is the Column.Field of the "CCP1 acquis le" column of the
// block with the given RNCP code.
func AcquiredField(blockCode string) string { return exam.FieldAcquired + ":" + blockCode }

// SessionField is the Column.Field of the "CCP1 session" column of the block
// with the given RNCP code.
func SessionField(blockCode string) string { return "acquired_session:" + blockCode }

// routeLabels are the French labels of exam.AccessRoutes, as the template
// offers them; exam.ParseAccessRoute reads each of them.
var routeLabels = []string{"Formation continue", "Apprentissage", "Contrat de professionnalisation", "VAE", "Candidat libre"}

// CandidateColumns returns the columns of a candidate import file in template
// order: the fixed identity columns, then for each block of ref a date column
// ("CCP1 acquis le") and a session column ("CCP1 session") recording a CCP
// acquired in an earlier session. ref may be nil (no block columns).
func CandidateColumns(ref *exam.Referentiel) []Column {
	cols := []Column{
		{Field: exam.FieldNumber, Header: "N° candidat", kind: kindNumber,
			Aliases: []string{"Numéro candidat", "Numéro de candidat", "N° de candidat", "No candidat", "Num candidat", "Numéro", "N°", "Identifiant", "Matricule"},
			format:  "texte, 30 caractères au plus", example: "2025-AMIS-001",
			help: "Numéro attribué par le centre, unique ; gardé tel quel (les zéros en tête sont conservés)."},
		{Field: exam.FieldBirthName, Header: "Nom de naissance", Required: true,
			Aliases: []string{"Nom", "Nom de famille", "Nom naissance", "Nom patronymique"},
			format:  "texte", example: "LEFÈVRE",
			help: "Nom de l'état civil (lettres, espaces, traits d'union, apostrophes) ; mis en majuscules à l'import."},
		{Field: exam.FieldUsageName, Header: "Nom d'usage",
			Aliases: []string{"Nom usage", "Nom d'épouse", "Nom marital"},
			format:  "texte", example: "MARTIN",
			help: "Seulement s'il diffère du nom de naissance."},
		{Field: exam.FieldFirstNames, Header: "Prénoms", Required: true,
			Aliases: []string{"Prénom", "Prénom(s)"},
			format:  "texte", example: "Hélène Marie",
			help: "Tous les prénoms de l'état civil, dans l'ordre."},
		{Field: exam.FieldSex, Header: "Sexe", Required: true, kind: kindSex,
			Aliases: []string{"Sexe (F/M)", "Genre"},
			format:  "F ou M", example: "F",
			help: "F ou M ; « Femme » et « Homme » sont aussi acceptés."},
		{Field: exam.FieldBirthDate, Header: "Date de naissance", Required: true, kind: kindDate,
			Aliases: []string{"Date naissance", "Né(e) le", "Né le", "Née le", "Date de naiss", "Naissance", "DDN"},
			format:  "date jj/mm/aaaa", example: "14/07/1992",
			help: "Cellule date d'Excel ou texte jj/mm/aaaa (aaaa-mm-jj accepté) ; le candidat a au moins 15 ans."},
		{Field: exam.FieldBirthCity, Header: "Commune de naissance", Required: true,
			Aliases: []string{"Lieu de naissance", "Ville de naissance", "Commune naissance", "Ville naissance"},
			format:  "texte", example: "Marseille",
			help: "Commune de naissance telle que l'état civil l'écrit."},
		{Field: exam.FieldBirthCountry, Header: "Pays de naissance", Required: true,
			Aliases: []string{"Pays naissance", "Pays"},
			format:  "texte", example: "France"},
		{Field: exam.FieldEmail, Header: "E-mail", kind: kindEmail,
			Aliases: []string{"Email", "Mail", "Courriel", "Adresse e-mail", "Adresse mail", "Adresse électronique"},
			format:  "adresse e-mail", example: "helene.lefevre@example.fr"},
		{Field: exam.FieldPhone, Header: "Téléphone", kind: kindPhone,
			Aliases: []string{"Tel", "Tél", "Téléphone portable", "Portable", "Mobile", "Numéro de téléphone", "N° de téléphone"},
			format:  "texte, 9 à 15 chiffres", example: "06 12 34 56 78",
			help: "Espaces, points et + acceptés ; un numéro saisi comme nombre qui a perdu son 0 initial le retrouve."},
		{Field: exam.FieldAccessRoute, Header: "Modalité d'accès", Required: true, kind: kindRoute,
			Aliases: []string{"Modalité", "Modalité accès", "Parcours", "Voie d'accès", "Mode d'accès"},
			format:  "une valeur de la liste", example: "Formation continue",
			help: strings.Join(routeLabels, ", ") + "."},
		{Field: exam.FieldTrainingCentre, Header: "Centre de formation",
			Aliases: []string{"Centre", "Organisme de formation", "Organisme"},
			format:  "texte", example: "GRETA Lyon Métropole"},
		{Field: exam.FieldSSTDate, Header: "Date SST", kind: kindDate,
			Aliases: []string{"SST", "Date du SST", "Date certificat SST", "SST obtenu le", "SST le"},
			format:  "date jj/mm/aaaa", example: "03/02/2024",
			help: "Date du certificat de sauveteur secouriste du travail, s'il en a un."},
	}
	if ref == nil {
		return cols
	}
	for i := range ref.Blocks {
		b := &ref.Blocks[i]
		cols = append(cols,
			Column{Field: AcquiredField(b.Code), Header: b.Short + " acquis le", kind: kindAcquired, block: b,
				Aliases: []string{b.Short + " acquis", b.Short + " obtenu le", b.Short + " date", "Date " + b.Short, b.Code + " acquis le", b.Code},
				format:  "date jj/mm/aaaa", example: "20/06/2023",
				help: b.Short + " déjà obtenu lors d'une session précédente : date d'obtention. Vide sinon."},
			Column{Field: SessionField(b.Code), Header: b.Short + " session", kind: kindSession, block: b,
				Aliases: []string{"Session " + b.Short, b.Short + " référence session", b.Short + " session d'obtention", b.Code + " session"},
				format:  "texte", example: "Session Marseille juin 2023",
				help: "Référence de la session où le " + b.Short + " a été obtenu ; exige la date de la colonne « " + b.Short + " acquis le »."},
		)
	}
	return cols
}

// headerMatch is the column a header names; alias is false when the header
// is the column's own Header, which wins over an alias naming the same column.
type headerMatch struct {
	col   int
	alias bool
}

// headerIndex maps folded headers and aliases to columns.
func headerIndex(cols []Column) map[string]headerMatch {
	idx := make(map[string]headerMatch, len(cols)*6)
	for i, c := range cols {
		idx[exam.Fold(c.Header)] = headerMatch{col: i}
	}
	for i, c := range cols {
		for _, h := range c.Aliases {
			if _, taken := idx[exam.Fold(h)]; !taken {
				idx[exam.Fold(h)] = headerMatch{col: i, alias: true}
			}
		}
	}
	return idx
}
