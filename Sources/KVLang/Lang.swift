import KVEngine
public enum Lang {}
