using MudBlazor;

namespace Enrollment.Web.Components.Shell;

/// <summary>Asks with the portal's one <see cref="ConfirmDialog"/>.</summary>
public static class Confirmations
{
    /// <summary>True when the person chose the action; false on Cancel, Escape or the close button.</summary>
    public static async Task<bool> ConfirmAsync(this IDialogService dialogs, string title, string question, string action,
        bool destructive = true, string? typeToConfirm = null)
    {
        var parameters = new DialogParameters<ConfirmDialog>
        {
            { d => d.Title, title },
            { d => d.Question, question },
            { d => d.Action, action },
            { d => d.Destructive, destructive },
            { d => d.TypeToConfirm, typeToConfirm },
        };
        var options = new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true, CloseOnEscapeKey = true, DefaultFocus = DefaultFocus.Element };
        var dialog = await dialogs.ShowAsync<ConfirmDialog>(title, parameters, options);
        return await dialog.Result is { Canceled: false };
    }
}
