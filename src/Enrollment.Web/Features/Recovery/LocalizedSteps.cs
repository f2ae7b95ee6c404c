using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Localization;

namespace Enrollment.Web.Features.Recovery;

/// <summary>
/// A procedure kept as one resource, steps separated by '|', so translators see it whole; rendered
/// as the list items of an &lt;ol&gt;.
/// </summary>
public static class LocalizedSteps
{
    public static RenderFragment Render(IStringLocalizer localizer, string key) => builder =>
    {
        foreach (var step in localizer[key].Value.Split('|'))
        {
            builder.OpenElement(0, "li");
            builder.AddContent(1, step.Trim());
            builder.CloseElement();
        }
    };
}
