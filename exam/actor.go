package exam

// Role is what a local account may do.
type Role string

// Roles of the local accounts (see docs/accounts.md). The command line runs
// as System, an administrator.
const (
	RoleAdmin    Role = "admin"    // administrateur
	RoleJury     Role = "jury"     // membre du jury
	RoleReferent Role = "referent" // référent handicap (accessibility referent)
)

// Roles lists the roles in display order.
var Roles = []Role{RoleAdmin, RoleJury, RoleReferent}

// Valid reports whether r is one of Roles.
func (r Role) Valid() bool { return r == RoleAdmin || r == RoleJury || r == RoleReferent }

// Permission names one kind of action, checked by the service layer.
type Permission string

// Permissions.
const (
	PermReadCandidates   Permission = "candidates.read"
	PermManageCandidates Permission = "candidates.manage"
	PermReadSessions     Permission = "sessions.read"
	PermManageSessions   Permission = "sessions.manage" // create, edit, jury, schedule
	PermExport           Permission = "results.export"  // certifier export, right of access, purge
	PermRunSessions      Permission = "sessions.run"    // timers, absences, incidents
	PermGrade            Permission = "grades.record"   // grids, decisions, results, signatures
	PermAmend            Permission = "minutes.amend"   // corrections after the PV is signed
	// PermReadAccommodations reads the functional accommodations (time,
	// aids, room, screen, instructions, decision reference and validity):
	// what the jury applies. Never the justification.
	PermReadAccommodations Permission = "accommodations.read"
	// PermManageAccommodations edits accommodation profiles.
	PermManageAccommodations Permission = "accommodations.manage"
	// PermReadJustification reads the medical justification of a
	// profile: the accessibility referent alone.
	PermReadJustification Permission = "accommodations.justification"
	PermManageUsers       Permission = "users.manage"
	PermBackup            Permission = "database.backup"
)

// rolePermissions is the one table of who may do what. An administrator
// runs the centre's data but never grades; a jury member runs and grades
// sessions; a referent edits accommodations only.
var rolePermissions = map[Role]map[Permission]bool{
	RoleAdmin: {PermReadCandidates: true, PermManageCandidates: true, PermReadSessions: true,
		PermManageSessions: true, PermExport: true, PermReadAccommodations: true,
		PermManageUsers: true, PermBackup: true},
	RoleJury: {PermReadCandidates: true, PermReadSessions: true, PermRunSessions: true,
		PermGrade: true, PermAmend: true, PermReadAccommodations: true},
	RoleReferent: {PermReadCandidates: true, PermReadSessions: true, PermReadAccommodations: true,
		PermManageAccommodations: true, PermReadJustification: true},
}

// Actor is the user on whose behalf a service call is made; every write is
// audited with it.
type Actor struct {
	UserID int64 // 0 for the system actor
	Name   string
	Role   Role
}

// System is the actor of command-line tools run by the machine's owner: an
// administrator.
var System = Actor{Name: "system", Role: RoleAdmin}

// Can reports whether the actor's role grants p.
func (a Actor) Can(p Permission) bool { return rolePermissions[a.Role][p] }

// Require returns an EFORBIDDEN error unless the actor's role grants p.
func (a Actor) Require(p Permission) error {
	if a.Can(p) {
		return nil
	}
	return Errorf(EFORBIDDEN, "err.forbidden", "{{.Role}} may not do {{.Perm}}", map[string]any{"Role": string(a.Role), "Perm": string(p)})
}
