package ui

import (
	"sync"

	"fyne.io/fyne/v2"
)

// tasks runs work off the UI goroutine and applies its result on it.
//
// A screen never blocks the UI goroutine with a query, an import or a file
// write: it calls run with a work function that returns the function that
// applies the result to the widgets. In the app that function goes through
// fyne.Do; in tests (manual mode) it is queued and drain runs it on the test
// goroutine, which then plays the part of the main goroutine, so that -race
// sees the same ordering as the real driver gives.
type tasks struct {
	manual bool

	mu      sync.Mutex
	cond    *sync.Cond
	running int      // work functions not finished yet
	queue   []func() // manual mode: results waiting to be applied
}

// newTasks returns the runner used by the app: results go through fyne.Do.
func newTasks() *tasks {
	t := &tasks{}
	t.cond = sync.NewCond(&t.mu)
	return t
}

// newManualTasks returns the runner used by tests: drain applies results.
func newManualTasks() *tasks {
	t := newTasks()
	t.manual = true
	return t
}

// run calls work on a new goroutine; the function it returns, if not nil, is
// then called on the UI goroutine. run itself must be called on the UI
// goroutine.
func (t *tasks) run(work func() (apply func())) {
	t.mu.Lock()
	t.running++
	t.mu.Unlock()
	go func() {
		apply := work()
		if t.manual || apply == nil {
			t.mu.Lock()
			if apply != nil {
				t.queue = append(t.queue, apply)
			}
			t.running--
			t.mu.Unlock()
			t.cond.Broadcast()
			return
		}
		fyne.Do(func() {
			defer func() {
				t.mu.Lock()
				t.running--
				t.mu.Unlock()
			}()
			apply()
		})
	}()
}

// do applies f on the UI goroutine; work functions call it to show progress.
func (t *tasks) do(f func()) {
	if !t.manual {
		fyne.Do(f)
		return
	}
	t.mu.Lock()
	t.queue = append(t.queue, f)
	t.mu.Unlock()
	t.cond.Broadcast()
}

// drain, in manual mode, waits for every running work function and applies
// the results on the calling goroutine, until nothing is left to do (applied
// results may start new work).
func (t *tasks) drain() {
	for {
		t.mu.Lock()
		for t.running > 0 && len(t.queue) == 0 {
			t.cond.Wait()
		}
		q := t.queue
		t.queue = nil
		t.mu.Unlock()
		if len(q) == 0 {
			return
		}
		for _, f := range q {
			f()
		}
	}
}
