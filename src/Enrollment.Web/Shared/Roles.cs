namespace Enrollment.Web.Shared;

/// <summary>The portal's roles (docs/design.md, "Who uses it").</summary>
public static class Roles
{
    public const string Requester = "Requester";
    public const string Approver = "Approver";
    public const string Admin = "Admin";

    public static readonly IReadOnlyList<string> All = [Requester, Approver, Admin];
}
