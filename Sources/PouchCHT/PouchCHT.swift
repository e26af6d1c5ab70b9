import Pouch
