using MudBlazor;

namespace Enrollment.Web.Components.Shell;

/// <summary>
/// The portal's one MudTheme: its blue, contrast that passes WCAG AA on white, and system fonts
/// that carry Japanese (no web font: the portal loads nothing from outside its own origin).
/// </summary>
public static class PortalTheme
{
    private static readonly string[] SystemFonts =
        ["system-ui", "-apple-system", "Segoe UI", "Hiragino Sans", "Noto Sans JP", "Noto Sans CJK JP", "Yu Gothic UI", "Meiryo", "sans-serif"];

    public static MudTheme Theme { get; } = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#0b4f8a",
            PrimaryContrastText = "#ffffff",
            Secondary = "#4a5360",
            Success = "#1e7b34",
            Error = "#a4262c",
            Warning = "#7a5a00",
            Info = "#0b4f8a",
            AppbarBackground = "#0b4f8a",
            AppbarText = "#ffffff",
            DrawerBackground = "#f3f5f8",
            DrawerText = "#1b1f24",
            TextPrimary = "#1b1f24",
            TextSecondary = "#4a5360",
            ActionDefault = "#4a5360",
            Background = "#ffffff",
            LinesDefault = "#d5dae1",
            TableLines = "#d5dae1",
        },
        Typography = new Typography
        {
            Default = new DefaultTypography { FontFamily = SystemFonts },
            H1 = new H1Typography { FontFamily = SystemFonts, FontSize = "1.75rem", FontWeight = "700", LineHeight = "1.3" },
            H2 = new H2Typography { FontFamily = SystemFonts, FontSize = "1.25rem", FontWeight = "600", LineHeight = "1.4" },
            Button = new ButtonTypography { FontFamily = SystemFonts, TextTransform = "none", FontWeight = "600" },
        },
        LayoutProperties = new LayoutProperties { DrawerWidthLeft = "15rem", AppbarHeight = "3.5rem" },
    };
}
