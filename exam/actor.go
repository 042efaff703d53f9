package exam

// Role is what a local account may do.
type Role string

// Roles. The accommodations issue adds accounts and login; until then the
// desktop runs as the local administrator and the command line as System.
const (
	RoleAdmin    Role = "admin"
	RoleJury     Role = "jury"
	RoleReferent Role = "referent"
)

// Permission names one kind of action, checked by the service layer.
type Permission string

// Permissions.
const (
	PermReadCandidates   Permission = "candidates.read"
	PermManageCandidates Permission = "candidates.manage"
	PermReadSessions     Permission = "sessions.read"
	PermManageSessions   Permission = "sessions.manage" // create, edit, jury, schedule
	PermRunSessions      Permission = "sessions.run"    // timers, absences, incidents
	PermGrade            Permission = "grades.record"   // grids, decisions, results, signatures
	PermAmend            Permission = "minutes.amend"   // corrections after the PV is signed
)

var rolePermissions = map[Role]map[Permission]bool{
	// Until the accommodations issue brings accounts, the desktop runs as
	// the local administrator, who may therefore also run a jury.
	RoleAdmin: {PermReadCandidates: true, PermManageCandidates: true, PermReadSessions: true,
		PermManageSessions: true, PermRunSessions: true, PermGrade: true, PermAmend: true},
	RoleJury:     {PermReadCandidates: true, PermReadSessions: true, PermRunSessions: true, PermGrade: true, PermAmend: true},
	RoleReferent: {PermReadCandidates: true, PermReadSessions: true},
}

// Actor is the user on whose behalf a service call is made; every write is
// audited with it.
type Actor struct {
	UserID int64 // 0 for the system actor
	Name   string
	Role   Role
}

// System is the actor of command-line tools run by the machine's owner.
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
