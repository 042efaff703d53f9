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
)

var rolePermissions = map[Role]map[Permission]bool{
	RoleAdmin:    {PermReadCandidates: true, PermManageCandidates: true},
	RoleJury:     {PermReadCandidates: true},
	RoleReferent: {PermReadCandidates: true},
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
