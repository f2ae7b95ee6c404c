namespace Enrollment.Web.Components;

/// <summary>
/// When a page with a server-paged MudDataGrid may say its grid is ready (data-grid-state).
/// </summary>
/// <remarks>
/// The grid calls the page's ServerData callback and stores the answer only after the callback
/// returns. A page that renders itself inside the callback therefore says "ready" over a grid that
/// still shows its loading row; the rows follow in a later render batch. Rendered after a yield,
/// the page's render is queued on the circuit's dispatcher behind the grid's own render of the rows,
/// so a script or a person that waits for "ready" finds them.
/// </remarks>
public static class GridReadiness
{
    /// <summary>Renders the page once the grid has rendered the answer its callback is about to return.</summary>
    public static void RenderAfterTheGrid(Func<Func<Task>, Task> invokeAsync, Action stateHasChanged) =>
        _ = invokeAsync(async () =>
        {
            await Task.Yield();
            stateHasChanged();
        });
}
