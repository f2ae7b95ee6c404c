using Enrollment.Web.Features.Gate;
using Microsoft.AspNetCore.Components;

namespace Enrollment.Web.Components;

/// <summary>One page of a server-paged grid, as handed from the prerender to the circuit.</summary>
public sealed record GridPage<TRow>(IReadOnlyList<TRow> Rows, int Total);

/// <summary>
/// Loads a grid's first page while the page is prerendered, so its rows arrive with the HTML
/// instead of after the circuit starts, and hands them to the circuit through the framework's
/// persisted component state so the interactive render shows the same rows without a second load.
/// The load runs through the same service call (role and gate checks included) as every later page,
/// judged on the request's own connection; a refusal leaves the grid to the circuit, which shows it.
/// </summary>
public sealed class PrerenderedFirstPage<TRow>(PersistentComponentState state, string key) : IDisposable
{
    private PersistingComponentStateSubscription? persisting;

    /// <summary>The first page: restored in the circuit, loaded while prerendering, otherwise null (the grid loads it).</summary>
    public async Task<GridPage<TRow>?> LoadAsync(HttpContext? prerendering, Func<ConnectionCertificate, Task<(IReadOnlyList<TRow> Rows, int Total)>> load)
    {
        if (state.TryTakeFromJson<GridPage<TRow>>(key, out var restored))
        {
            return restored;
        }
        if (prerendering is null)
        {
            return null;
        }
        try
        {
            var (rows, total) = await load(ConnectionCertificate.Of(prerendering));
            var page = new GridPage<TRow>(rows, total);
            persisting = state.RegisterOnPersisting(() =>
            {
                state.PersistAsJson(key, page);
                return Task.CompletedTask;
            });
            return page;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    public void Dispose() => persisting?.Dispose();
}
