package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/amisjury/amis/exam"
	"github.com/amisjury/amis/storage"
	"github.com/amisjury/amis/storage/pdf"
	"github.com/amisjury/amis/storage/xlsx"
)

// documents renders a session's documents (PV, feedback sheets, convocation
// list) from the services: the UI and the command line hand it a writer.
type documents struct {
	sessions     exam.SessionService
	evaluations  exam.EvaluationService
	deliberation exam.DeliberationService
	ref          *exam.Referentiel
	actor        exam.Actor
}

// Minutes writes the PV of a certification session as PDF.
func (d *documents) Minutes(ctx context.Context, sessionID int64, w io.Writer) error {
	s, err := d.sessions.Session(ctx, d.actor, sessionID)
	if err != nil {
		return err
	}
	doc := &pdf.MinutesDoc{Session: s, Referentiel: d.ref, Decisions: map[int64][]exam.BlockDecision{}, Results: map[int64]exam.CandidateResult{}}
	for _, sc := range s.Candidates {
		ds, err := d.evaluations.Decisions(ctx, d.actor, sessionID, sc.Candidate.ID)
		if err != nil {
			return err
		}
		doc.Decisions[sc.Candidate.ID] = ds
	}
	results, err := d.deliberation.Results(ctx, d.actor, sessionID)
	if err != nil {
		return err
	}
	for _, r := range results {
		doc.Results[r.CandidateID] = r
	}
	if doc.Incidents, err = d.deliberation.Incidents(ctx, d.actor, sessionID); err != nil {
		return err
	}
	if doc.Minutes, err = d.deliberation.Minutes(ctx, d.actor, sessionID); err != nil {
		return err
	}
	return pdf.WriteMinutes(w, doc)
}

// Feedback writes a mock exam's feedback sheet for one candidate, as "pdf"
// or "xlsx".
func (d *documents) Feedback(ctx context.Context, sessionID, candidateID int64, format string, w io.Writer) error {
	s, err := d.sessions.Session(ctx, d.actor, sessionID)
	if err != nil {
		return err
	}
	sc := s.Candidate(candidateID)
	if sc == nil {
		return exam.Errorf(exam.ENOTFOUND, "err.session.candidate_unknown", "the candidate is not registered in this session", nil)
	}
	grids, err := d.evaluations.Grids(ctx, d.actor, sessionID, candidateID)
	if err != nil {
		return err
	}
	decisions, err := d.evaluations.Decisions(ctx, d.actor, sessionID, candidateID)
	if err != nil {
		return err
	}
	switch format {
	case "pdf":
		return pdf.WriteFeedback(w, &pdf.FeedbackDoc{Session: s, Referentiel: d.ref, Candidate: *sc, Grids: grids, Decisions: decisions})
	case "xlsx":
		return xlsx.WriteFeedback(w, &xlsx.FeedbackDoc{Session: s, Referentiel: d.ref, Candidate: *sc, Grids: grids, Decisions: decisions})
	}
	return fmt.Errorf("feedback: unknown format %q", format)
}

// Convocations writes the convocation list of a session's day (.xlsx).
func (d *documents) Convocations(ctx context.Context, sessionID int64, w io.Writer) error {
	s, err := d.sessions.Session(ctx, d.actor, sessionID)
	if err != nil {
		return err
	}
	sched, err := s.DaySchedule(d.ref, time.Local)
	if err != nil {
		return err
	}
	return xlsx.WriteConvocations(w, s, d.ref, sched)
}

// actorDocuments gives the window the documents of a session, each call
// acting as the user logged in at that moment (ui.Documents).
type actorDocuments struct{ e *env }

// Minutes writes the PV of a certification session as PDF.
func (d actorDocuments) Minutes(ctx context.Context, a exam.Actor, sessionID int64, w io.Writer) error {
	return d.e.documents(a).Minutes(ctx, sessionID, w)
}

// Feedback writes a mock exam's feedback sheet for one candidate.
func (d actorDocuments) Feedback(ctx context.Context, a exam.Actor, sessionID, candidateID int64, format string, w io.Writer) error {
	return d.e.documents(a).Feedback(ctx, sessionID, candidateID, format, w)
}

// Convocations writes the convocation list of a session's day (.xlsx).
func (d actorDocuments) Convocations(ctx context.Context, a exam.Actor, sessionID int64, w io.Writer) error {
	return d.e.documents(a).Convocations(ctx, sessionID, w)
}

// ArchivedMinutes returns the PVs a purge archived for a session.
func (d actorDocuments) ArchivedMinutes(ctx context.Context, a exam.Actor, sessionID int64) ([]exam.ArchivedMinutes, error) {
	return storage.NewPrivacyService(d.e.db, d.e.ref).ArchivedMinutes(ctx, a, sessionID)
}
