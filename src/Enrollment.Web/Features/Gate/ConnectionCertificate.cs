using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Components.Server.Circuits;

namespace Enrollment.Web.Features.Gate;

/// <summary>The client certificate and address of the connection an action arrives on.</summary>
public sealed record ConnectionCertificate(X509Certificate2? Certificate, string? Address, bool Malformed = false)
{
    /// <summary>The certificate of the TLS connection, or the one a known proxy forwarded for it.</summary>
    public static ConnectionCertificate Of(HttpContext context) =>
        new(context.Features.Get<Microsoft.AspNetCore.Http.Features.ITlsConnectionFeature>()?.ClientCertificate,
            context.Connection.RemoteIpAddress?.ToString(), context.Features.Get<MalformedForwardedCertificate>() is not null);
}

/// <summary>
/// The connection of an open Blazor circuit. Privileged actions inside a circuit carry no
/// HttpContext, so the certificate of the circuit's own connection is captured when it comes up
/// and judged again by the gate at every action.
/// </summary>
public sealed class CircuitConnection
{
    public ConnectionCertificate Current { get; set; } = new(null, null);
}

/// <summary>Captures the circuit connection's certificate each time the connection (re)opens.</summary>
public sealed class CircuitConnectionHandler(CircuitConnection connection, Components.Time.UserClock clock, IHttpContextAccessor accessor) : CircuitHandler
{
    public override Task OnConnectionUpAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        if (accessor.HttpContext is { } context)
        {
            connection.Current = ConnectionCertificate.Of(context);
            clock.Capture(context);
        }
        return Task.CompletedTask;
    }
}
