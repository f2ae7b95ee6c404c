using System.Security.Claims;
using Enrollment.Ca;
using Enrollment.Ca.Issuance;
using Enrollment.Data;
using Enrollment.Data.Entities;
using Enrollment.Web.Features.Gate;
using Enrollment.Web.Shared;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Enrollment.Web.Features.Admin.Users;

/// <summary>A user as the admin list shows it.</summary>
public sealed record UserRow(
    string Id, string Email, string DisplayName, string? EmployeeId, string? Upn, IReadOnlyList<string> Roles,
    bool TwoFactorEnabled, bool LockedOut, bool Disabled);

/// <summary>What an administrator may change about a user.</summary>
public sealed record UserChanges(string DisplayName, string? EmployeeId, string? Upn, IReadOnlyCollection<string> Roles);

/// <summary>A new user an administrator invites: the account, and the roles it starts with.</summary>
public sealed record UserInvitation(string Email, UserChanges Account);

/// <summary>
/// User administration. Every method authorizes the acting user again from the database (an
/// admin with two-factor, not disabled), because Blazor event handlers bypass page attributes
/// (docs/pitfalls.md, "Event handlers bypass page attributes"); hiding a button is never the guard. Every change is audited, and any change of
/// roles or access renews the user's security stamp so open sessions re-validate within a minute.
/// Each call works in its own DI scope: a Blazor circuit lives long and may call twice at once, and
/// one DbContext must never serve both.
/// </summary>
public sealed class UserAdministration(IServiceScopeFactory scopes, AuditTrail audit, TimeProvider time)
{
    public static readonly Refusal Forbidden = new("auth.forbidden", "Only an administrator with two-factor sign-in may do this.");
    public static readonly Refusal LastAdmin = new("users.last-admin", "This is the last active administrator; make another administrator first.");
    public static readonly Refusal NotFound = new("users.not-found", "The user no longer exists.");
    public static readonly Refusal EmployeeIdTaken = new("users.employee-id-taken", "Another account already has this employee id.");
    public static readonly Refusal EmailTaken = new("users.email-taken", "Another account already has this e-mail address.");
    public static readonly Refusal EmailInvalid = new("users.email-invalid", "Enter the person's e-mail address, such as taro.yamada@example.com.");

    public Task<(IReadOnlyList<UserRow> Rows, int Total)> ListAsync(ClaimsPrincipal actor, ConnectionCertificate connection, string? search, int skip, int take) =>
        InScopeAsync(connection, work => work.ListAsync(actor, search, skip, take));

    public Task<Refusal?> UpdateAsync(ClaimsPrincipal actor, ConnectionCertificate connection, string userId, UserChanges changes) =>
        InScopeAsync(connection, work => work.UpdateAsync(actor, userId, changes, connection.Address));

    public Task<Refusal?> SetLockedAsync(ClaimsPrincipal actor, ConnectionCertificate connection, string userId, bool locked) =>
        InScopeAsync(connection, work => work.SetLockedAsync(actor, userId, locked, connection.Address));

    public Task<Refusal?> SetDisabledAsync(ClaimsPrincipal actor, ConnectionCertificate connection, string userId, bool disabled) =>
        InScopeAsync(connection, work => work.SetDisabledAsync(actor, userId, disabled, connection.Address));

    /// <summary>
    /// Adds a user and mails them an invitation to choose a password (as <c>users add</c> does on the
    /// command line), so an administrator never knows or sends anyone's password.
    /// </summary>
    public Task<Refusal?> InviteAsync(ClaimsPrincipal actor, ConnectionCertificate connection, UserInvitation invitation) =>
        InScopeAsync(connection, work => work.InviteAsync(actor, invitation, connection.Address));

    /// <summary>The user sets up a new authenticator at the next sign-in; recovery codes are void.</summary>
    public Task<Refusal?> ResetTwoFactorAsync(ClaimsPrincipal actor, ConnectionCertificate connection, string userId) =>
        InScopeAsync(connection, work => work.ResetTwoFactorAsync(actor, userId, connection.Address));

    private async Task<T> InScopeAsync<T>(ConnectionCertificate connection, Func<Work, Task<T>> action)
    {
        await using var scope = scopes.CreateAsyncScope();
        var work = new Work(scope.ServiceProvider.GetRequiredService<UserManager<EnrollmentUser>>(),
            scope.ServiceProvider.GetRequiredService<EnrollmentDbContext>(), audit, time,
            scope.ServiceProvider.GetRequiredService<PrivilegedAuthorization>(), connection,
            scope.ServiceProvider.GetRequiredService<Account.Invitations>());
        return await action(work);
    }

    /// <summary>One administration call, with the UserManager and DbContext of its own scope.</summary>
    private sealed class Work(
        UserManager<EnrollmentUser> users, EnrollmentDbContext db, AuditTrail audit, TimeProvider time, PrivilegedAuthorization authorization,
        ConnectionCertificate connection, Account.Invitations invitations)
    {
        public async Task<(IReadOnlyList<UserRow> Rows, int Total)> ListAsync(ClaimsPrincipal actor, string? search, int skip, int take)
        {
            await DemandAdminAsync(actor);
            var query = db.Users.AsNoTracking();
            if (!string.IsNullOrWhiteSpace(search))
            {
                var term = search.Trim().ToUpperInvariant();
                query = query.Where(u => u.NormalizedEmail!.Contains(term) || u.DisplayName.ToUpper().Contains(term) || (u.EmployeeId != null && u.EmployeeId.ToUpper().Contains(term)));
            }
            var total = await query.CountAsync();
            var page = await query.OrderBy(u => u.Email).Skip(skip).Take(Math.Clamp(take, 1, 100)).ToListAsync();
            var ids = page.Select(u => u.Id).ToList();
            var roles = await db.UserRoles.Where(r => ids.Contains(r.UserId))
                .Join(db.Roles, ur => ur.RoleId, r => r.Id, (ur, r) => new { ur.UserId, r.Name })
                .ToListAsync();
            var now = time.GetUtcNow();
            return (page.ConvertAll(u => new UserRow(u.Id, u.Email!, u.DisplayName, u.EmployeeId, u.Upn,
                roles.Where(r => r.UserId == u.Id).Select(r => r.Name!).Order().ToList(), u.TwoFactorEnabled, u.LockoutEnd > now, u.Disabled)), total);
        }

        public async Task<Refusal?> UpdateAsync(ClaimsPrincipal actor, string userId, UserChanges changes, string? address)
        {
            var admin = await DemandAdminAsync(actor);
            // The last-admin check and the change are one transaction under the administrators' writer
            // lock, so two admins demoting each other at once cannot both pass the check.
            await using var transaction = await db.Database.BeginTransactionAsync();
            await WriterLocks.AcquireAsync(db.Database, WriterLocks.Administrators, CancellationToken.None);
            if (await users.FindByIdAsync(userId) is not { } user)
            {
                return NotFound;
            }
            if (Validate(changes) is { } invalid)
            {
                return invalid;
            }
            var current = await users.GetRolesAsync(user);
            var wanted = changes.Roles.Where(Roles.All.Contains).Append(Roles.Requester).Distinct().ToList();
            if (current.Contains(Roles.Admin) && !wanted.Contains(Roles.Admin) && await IsLastAdminAsync(user))
            {
                return LastAdmin;
            }
            user.DisplayName = changes.DisplayName.Trim();
            user.EmployeeId = string.IsNullOrWhiteSpace(changes.EmployeeId) ? null : changes.EmployeeId.Trim();
            user.Upn = string.IsNullOrWhiteSpace(changes.Upn) ? null : changes.Upn.Trim();
            IdentityResult updated;
            try
            {
                updated = await users.UpdateAsync(user);
            }
            catch (DbUpdateException)
            {
                // The unique index on the employee id: one employee id, one account (the gate's matching key).
                return EmployeeIdTaken;
            }
            if (!updated.Succeeded)
            {
                return new Refusal("users.update-failed", string.Join(" ", updated.Errors.Select(e => e.Description)));
            }
            await users.RemoveFromRolesAsync(user, current.Except(wanted));
            await users.AddToRolesAsync(user, wanted.Except(current));
            if (!current.Order().SequenceEqual(wanted.Order()))
            {
                await users.UpdateSecurityStampAsync(user);
                await AuditAsync(admin, "role.changed", user, $"{string.Join(',', current.Order())} -> {string.Join(',', wanted.Order())}", address);
            }
            await AuditAsync(admin, "user.updated", user, $"employeeId={user.EmployeeId} upn={user.Upn} displayName={user.DisplayName}", address);
            await transaction.CommitAsync();
            return null;
        }

        public async Task<Refusal?> InviteAsync(ClaimsPrincipal actor, UserInvitation invitation, string? address)
        {
            var admin = await DemandAdminAsync(actor);
            var email = invitation.Email.Trim();
            if (!new System.ComponentModel.DataAnnotations.EmailAddressAttribute().IsValid(email) || email.Length > 256)
            {
                return EmailInvalid;
            }
            if (Validate(invitation.Account) is { } invalid)
            {
                return invalid;
            }
            if (await users.FindByEmailAsync(email) is not null)
            {
                return EmailTaken;
            }
            var user = new EnrollmentUser
            {
                UserName = email, Email = email, DisplayName = invitation.Account.DisplayName.Trim(), CreatedAt = time.GetUtcNow().UtcDateTime,
                EmployeeId = string.IsNullOrWhiteSpace(invitation.Account.EmployeeId) ? null : invitation.Account.EmployeeId.Trim(),
                Upn = string.IsNullOrWhiteSpace(invitation.Account.Upn) ? null : invitation.Account.Upn.Trim(),
            };
            IdentityResult created;
            try
            {
                created = await users.CreateAsync(user);
            }
            catch (DbUpdateException)
            {
                return EmployeeIdTaken;
            }
            if (!created.Succeeded)
            {
                return new Refusal("users.update-failed", string.Join(" ", created.Errors.Select(e => e.Description)));
            }
            var roles = invitation.Account.Roles.Where(Roles.All.Contains).Append(Roles.Requester).Distinct().ToList();
            await users.AddToRolesAsync(user, roles);
            await AuditAsync(admin, "user.created", user, $"roles={string.Join(',', roles.Order())} invited", address);
            await invitations.SendAsync(user);
            return null;
        }

        public async Task<Refusal?> SetLockedAsync(ClaimsPrincipal actor, string userId, bool locked, string? address) =>
            await ChangeAccessAsync(actor, userId, address, locked, async user =>
            {
                await users.SetLockoutEndDateAsync(user, locked ? DateTimeOffset.MaxValue : null);
                await users.ResetAccessFailedCountAsync(user);
                return locked ? "user.locked" : "user.unlocked";
            });

        public async Task<Refusal?> SetDisabledAsync(ClaimsPrincipal actor, string userId, bool disabled, string? address) =>
            await ChangeAccessAsync(actor, userId, address, disabled, async user =>
            {
                user.Disabled = disabled;
                await users.UpdateAsync(user);
                return disabled ? "user.disabled" : "user.enabled";
            });

        public async Task<Refusal?> ResetTwoFactorAsync(ClaimsPrincipal actor, string userId, string? address) =>
            await ChangeAccessAsync(actor, userId, address, takesAccess: false, async user =>
            {
                await users.SetTwoFactorEnabledAsync(user, false);
                await users.ResetAuthenticatorKeyAsync(user);
                await users.GenerateNewTwoFactorRecoveryCodesAsync(user, 0);
                return "2fa.reset-by-admin";
            });

        private async Task<Refusal?> ChangeAccessAsync(ClaimsPrincipal actor, string userId, string? address, bool takesAccess, Func<EnrollmentUser, Task<string>> change)
        {
            var admin = await DemandAdminAsync(actor);
            await using var transaction = await db.Database.BeginTransactionAsync();
            await WriterLocks.AcquireAsync(db.Database, WriterLocks.Administrators, CancellationToken.None);
            if (await users.FindByIdAsync(userId) is not { } user)
            {
                return NotFound;
            }
            if (takesAccess && await users.IsInRoleAsync(user, Roles.Admin) && await IsLastAdminAsync(user))
            {
                return LastAdmin;
            }
            var eventType = await change(user);
            await users.UpdateSecurityStampAsync(user);
            await AuditAsync(admin, eventType, user, string.Empty, address);
            await transaction.CommitAsync();
            return null;
        }

        private Task<EnrollmentUser> DemandAdminAsync(ClaimsPrincipal actor) => authorization.DemandAdminAsync(actor, connection);

        /// <remarks>
        /// Read afresh, not through the tracked users: the acting admin was loaded before the lock was
        /// taken, and another admin may have disabled them since.
        /// </remarks>
        private async Task<bool> IsLastAdminAsync(EnrollmentUser user)
        {
            var adminRole = db.Roles.Where(r => r.Name == Roles.Admin).Select(r => r.Id);
            var otherActiveAdmins = await db.Users.AsNoTracking()
                .Where(u => u.Id != user.Id && !u.Disabled && db.UserRoles.Any(ur => ur.UserId == u.Id && adminRole.Contains(ur.RoleId)))
                .Select(u => u.LockoutEnd)
                .ToListAsync();
            var now = time.GetUtcNow();
            return !otherActiveAdmins.Any(lockoutEnd => !(lockoutEnd > now));
        }

        private static Refusal? Validate(UserChanges changes)
        {
            if (CertificateSubject.CheckName(changes.DisplayName.Trim()) is { } nameRefusal)
            {
                return nameRefusal;
            }
            return !string.IsNullOrWhiteSpace(changes.EmployeeId) && !CertificateSubject.IsPrintable(changes.EmployeeId.Trim())
                ? new Refusal("subject.employee-id", "The employee id may hold only letters, digits, spaces and '()+,-./:=?.")
                : null;
        }

        private async Task AuditAsync(EnrollmentUser admin, string eventType, EnrollmentUser target, string details, string? address) =>
            await audit.AppendAsync(db, new AuditEntry(admin.Email!, eventType, target.Id, $"user={target.Email} {details}".Trim(), address));
    }
}
