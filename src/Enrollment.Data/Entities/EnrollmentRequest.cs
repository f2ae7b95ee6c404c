namespace Enrollment.Data.Entities;

/// <summary>Where a certificate request is (docs/design.md, "Flow").</summary>
public enum RequestState
{
    Pending,
    Approved,
    Rejected,
    Cancelled,

    /// <summary>Approved, but not picked up inside the pickup window.</summary>
    Lapsed,
    Issued,
}

/// <summary>
/// One employee's request for a certificate, from submission to pickup. Every change of state is a
/// conditional update on the expected state, so two approvers or two pickups never both win.
/// </summary>
public sealed class EnrollmentRequest
{
    public Guid Id { get; set; }

    public string RequesterId { get; set; } = string.Empty;

    public EnrollmentUser? Requester { get; set; }

    public string Profile { get; set; } = string.Empty;

    public string Justification { get; set; } = string.Empty;

    public RequestState State { get; set; }

    public DateTime SubmittedAt { get; set; }

    public string? DeciderId { get; set; }

    /// <summary>The approver's name as it was at the decision, for the requester's history.</summary>
    public string? DeciderName { get; set; }

    public DateTime? DecidedAt { get; set; }

    public string? DecisionComment { get; set; }

    /// <summary>End of the pickup window, set on approval.</summary>
    public DateTime? PickupDeadline { get; set; }

    /// <summary>When the request was cancelled, lapsed or picked up.</summary>
    public DateTime? ClosedAt { get; set; }

    /// <summary>How the certificate was picked up: browser, server or csr.</summary>
    public string? PickupMethod { get; set; }

    public string? CertificateSerial { get; set; }

    /// <summary>The serial of the certificate this request renews, if any.</summary>
    public string? RenewalOf { get; set; }

    /// <summary>
    /// The subject the certificate will carry, fixed at submission from the user record and shown to
    /// the approver; pickup issues exactly this, and sends the request back for approval if the
    /// record changed. Null only for requests made before subjects were fixed.
    /// </summary>
    public RequestSubject? Subject
    {
        get => SubjectCommonName is null ? null
            : new RequestSubject(SubjectCommonName, SubjectOrganization ?? string.Empty, SubjectEmployeeId ?? string.Empty, SubjectEmail ?? string.Empty, SubjectUpn ?? string.Empty);
        set => (SubjectCommonName, SubjectOrganization, SubjectEmployeeId, SubjectEmail, SubjectUpn) =
            (value?.CommonName, value?.Organization, value?.EmployeeId, value?.Email, value?.Upn);
    }

    public string? SubjectCommonName { get; set; }

    public string? SubjectOrganization { get; set; }

    public string? SubjectEmployeeId { get; set; }

    public string? SubjectEmail { get; set; }

    public string? SubjectUpn { get; set; }
}

/// <summary>The certificate subject fixed on a request (CN, O, serialNumber, SAN email and UPN).</summary>
public sealed record RequestSubject(string CommonName, string Organization, string EmployeeId, string Email, string Upn)
{
    /// <summary>As an approver reads it.</summary>
    public override string ToString() => $"CN={CommonName}, O={Organization}, serialNumber={EmployeeId}; email {Email}; UPN {Upn}";
}
