using MudBlazor;

namespace Enrollment.Web.Components.Shell;

public static class GridPaging
{
    /// <summary>A new filter starts at its first page: page 3 of the old rows means nothing for the new ones.</summary>
    public static async Task ReloadFromFirstPageAsync<T>(this MudDataGrid<T> grid)
    {
        grid.NavigateTo(Page.First);
        await grid.ReloadServerData();
    }
}
