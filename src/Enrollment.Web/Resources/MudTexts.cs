namespace Enrollment.Web.Resources;

/// <summary>Marker for MudBlazor's texts in the portal's languages (MudTexts.resx, MudTexts.ja.resx).</summary>
public sealed class MudTexts;
