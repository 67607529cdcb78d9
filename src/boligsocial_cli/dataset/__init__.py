"""Reading dataset files: locate, parse safely, validate with places, lay overlays."""
