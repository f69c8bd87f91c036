//! Translation: the provider chain (memory, then a service), the cache, request planning.
