import Pouch

print("not yet")
