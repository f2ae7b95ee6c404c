namespace Enrollment.Web.Resources;

/// <summary>Marker for the portal's shared strings (SharedResource.resx, SharedResource.ja.resx).</summary>
public sealed class SharedResource;
