using Enrollment.Web.Resources;
using Microsoft.Extensions.Localization;
using MudBlazor;

namespace Enrollment.Web.Components.Shell;

/// <summary>
/// MudBlazor's own texts (pager, sorting, dialog close buttons) from the portal's resources, so a
/// Japanese page has no English controls. A key the resources lack falls back to MudBlazor's English.
/// </summary>
public sealed class PortalMudLocalizer(IStringLocalizer<MudTexts> texts) : MudLocalizer
{
    public override LocalizedString this[string key] => texts[key];
}
